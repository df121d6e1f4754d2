package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --serve DIR}: a folder served read-only at the pipeline's local HTTP source. */
@Timeout(30)
class FolderServerTest {

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static TaskSpec fetching(String url) {
        return TaskSpec.builder("fetch", TaskSpec.Kind.SPOUT).input(BatchInputConfig.builder(url).build())
                .output(BatchOutputConfig.builder("out").build()).build();
    }

    /** Sends one raw request line, so that nothing on the way normalizes the path, and returns the status line. */
    private static String request(int port, String method, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheFilesOfTheFolderAtThePortThePipelineFetchesFrom() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("events.json"), "[{\"id\":1}]");
        int port = freePort();
        StringWriter said = new StringWriter();
        try (FolderServer ignored = FolderServer.start(data, List.of(fetching("http://localhost:" + port
                + "/events.json")), new PrintWriter(said, true))) {
            String response = request(port, "GET", "/events.json");

            assertThat(response).startsWith("HTTP/1.1 200").endsWith("[{\"id\":1}]");
            assertThat(said.toString()).contains("serving " + data.toRealPath() + " at http://localhost:" + port
                    + "/ (for task 'fetch')");
        }
    }

    @Test
    void refusesWritesFolderListingsAndPathsOutsideTheFolder() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data").resolve("sub"));
        Files.writeString(dir.resolve("secret.txt"), "not for you");
        Files.writeString(data.resolve("a.txt"), "a");
        int port = freePort();
        try (FolderServer ignored = FolderServer.start(dir.resolve("data"), List.of(fetching("http://127.0.0.1:"
                + port + "/a.txt")), new PrintWriter(new StringWriter()))) {
            assertThat(request(port, "GET", "/sub/a.txt")).startsWith("HTTP/1.1 200");
            assertThat(request(port, "POST", "/sub/a.txt")).startsWith("HTTP/1.1 405").contains("Allow: GET, HEAD");
            assertThat(request(port, "GET", "/sub/")).startsWith("HTTP/1.1 404");
            assertThat(request(port, "GET", "/")).startsWith("HTTP/1.1 404");
            assertThat(request(port, "GET", "/../secret.txt")).startsWith("HTTP/1.1 404").doesNotContain("not for you");
            assertThat(request(port, "GET", "/sub/../../secret.txt")).startsWith("HTTP/1.1 404");
            assertThat(request(port, "GET", "/%2e%2e/secret.txt")).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void aPipelineThatFetchesFromNoLocalAddressIsAMistakeNamingTheOption() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));

        assertThatThrownBy(() -> FolderServer.start(data, List.of(fetching("https://example.com/events.json")),
                new PrintWriter(new StringWriter()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--serve").hasMessageContaining("no task of the pipeline fetches from "
                        + "http://localhost:PORT/");
        assertThatThrownBy(() -> FolderServer.start(dir.resolve("missing"), List.of(fetching(
                "http://localhost:1/x")), new PrintWriter(new StringWriter()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a folder");
    }

    @Test
    void aTakenPortIsReportedWithTheTaskThatWantsIt() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> FolderServer.start(data, List.of(fetching("http://localhost:"
                    + taken.getLocalPort() + "/x")), new PrintWriter(new StringWriter())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("cannot listen on localhost:" + taken.getLocalPort() + " for task 'fetch'");
        }
    }
}
