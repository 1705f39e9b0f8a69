package dev.hearth.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.InferenceClient;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A real server started from settings, with a real JDK HTTP client and an optional bearer token. */
public final class TestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunningServer server;
    private final HttpClient client;
    private final String token;

    private TestServer(RunningServer server, HttpClient client, String token) {
        this.server = server;
        this.client = client;
        this.token = token;
    }

    /** Starts a server on a free loopback port with these {@code key=value} settings. */
    public static TestServer start(String token, HttpClient client, String... settings) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "server.host=127.0.0.1"));
        all.addAll(List.of(settings));
        Settings s = ServingSettings.loader().load(null, all);
        return new TestServer(ModelServer.start(s), client, token);
    }

    public static TestServer start(String token, String... settings) {
        return start(token, HttpClient.newHttpClient(), settings);
    }

    /**
     * Starts a server without a token over a fresh local store in {@code dir/store}, after {@code models} has
     * published into it; {@code store.root} is set, {@code settings} come after it.
     */
    public static TestServer startOnLocalStore(Path dir, Consumer<HadoopModelStore> models, String... settings) {
        HadoopModelStore store = TestModels.localStore(dir);
        models.accept(store);
        List<String> all = new ArrayList<>(List.of("store.root=" + store.root()));
        all.addAll(List.of(settings));
        return start(null, all.toArray(String[]::new));
    }

    /** The {@code error} text of a JSON error body. */
    public static String errorMessage(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body()).get("error").asText();
    }

    public String url() {
        return server.url();
    }

    public RunningServer server() {
        return server;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(request(path, token).GET().build());
    }

    public HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, token);
    }

    public HttpResponse<String> post(String path, String body, String bearer) throws Exception {
        return send(request(path, bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build());
    }

    public HttpResponse<String> get(String path, String bearer) throws Exception {
        return send(request(path, bearer).GET().build());
    }

    private HttpRequest.Builder request(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest r) throws Exception {
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** An OIP v2 client of this server with this test's token (see {@link InferenceClient}). */
    public InferenceClient client() {
        return InferenceClient.builder(server.url()).optToken(token).build();
    }

    /** A valid OIP v2 request body: {@code rows} as the tensor {@code input}, as {@link InferenceClient} sends it. */
    public static String request(String id, float[]... rows) {
        return InferRequest.ofRows(id, rows).toJson();
    }

    /**
     * A hand-made OIP v2 body from JSON fragments, for tests of the server's handling of bodies no well-behaved
     * client sends (bad shapes, NaN, wrong types, odd spacing); valid requests use {@link #request}.
     */
    public static String infer(String id, String shape, String data) {
        return "{\"id\":\"" + id + "\",\"inputs\":[{\"name\":\"input\",\"shape\":" + shape
                + ",\"datatype\":\"FP32\",\"data\":" + data + "}]}";
    }

    @Override
    public void close() {
        server.stop();
    }
}
