package ai.geniusrise.io.kafka;

import ai.geniusrise.core.runtime.TaskRunner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code /metrics} page of a running task, as Prometheus would scrape it. */
final class MetricsPage {

    private final String body;

    private MetricsPage(String body) {
        this.body = body;
    }

    static MetricsPage of(TaskRunner runner) throws Exception {
        return new MetricsPage(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + runner.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** True if the page shows {@code metric} (a member's gauges appear once it has checked its topics). */
    boolean has(String metric) {
        return Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{").matcher(body).find();
    }

    /** The sum of the samples of {@code metric} over all its label sets; fails if there are none. */
    double sum(String metric) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{[^}]*} (\\S+)$").matcher(body);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        if (!found) {
            throw new AssertionError("no " + metric + " on the metrics page:\n" + body);
        }
        return sum;
    }
}
