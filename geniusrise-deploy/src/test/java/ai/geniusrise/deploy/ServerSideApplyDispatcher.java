package ai.geniusrise.deploy;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD mock API server answers a server-side apply ({@code PATCH} with
 * {@code application/apply-patch+yaml}) with 415. This dispatcher gives it the semantics that
 * matter to a sole field manager: apply creates the object when it is missing and replaces the
 * applied fields when it exists. It records each apply's query (field manager and force flag).
 */
public final class ServerSideApplyDispatcher extends KubernetesCrudDispatcher {

    final List<String> applyQueries = new CopyOnWriteArrayList<>();

    /**
     * A started mock API server in CRUD mode that understands server-side apply; destroy it after use.
     */
    public static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer start() {
        var server = new io.fabric8.kubernetes.client.server.mock.KubernetesMockServer(
                new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
                new java.util.HashMap<>(), new ServerSideApplyDispatcher(), false);
        server.init();
        return server;
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.startsWith("application/apply-patch")) {
            return super.handlePatch(request);
        }
        String[] pathAndQuery = request.getPath().split("\\?", 2);
        String path = pathAndQuery[0];
        applyQueries.add(pathAndQuery.length > 1 ? pathAndQuery[1] : "");
        Headers json = Headers.builder().add("Content-Type", "application/json").build();
        byte[] body = request.getBody().getBytes();
        if (handleGet(path).code() == 404) {
            String collection = path.substring(0, path.lastIndexOf('/'));
            return handleCreate(new RecordedRequest("POST " + collection + " HTTP/1.1", HttpMethod.POST, collection,
                    json, new Buffer(body)));
        }
        return handleUpdate(new RecordedRequest("PUT " + path + " HTTP/1.1", HttpMethod.PUT, path, json,
                new Buffer(body)));
    }
}
