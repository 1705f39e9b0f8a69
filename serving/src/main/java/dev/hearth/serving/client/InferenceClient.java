package dev.hearth.serving.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of a Hearth model server's Open Inference Protocol v2 API over the JDK's {@link HttpClient}: inference
 * with FP32 rows or named tensors, model metadata, readiness. Sends a bearer token when given one; trusts the JDK's
 * CAs unless told to trust other certificates (e.g. the server's self-signed one). Every error answer becomes an
 * {@link InferenceException} with the HTTP status and the server's message; answers larger than a bound (16 MiB by
 * default) are refused without being read to the end. Thread-safe; one instance serves many threads.
 */
public final class InferenceClient {
    /** The default bound on a response body. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final String token;
    private final Duration timeout;
    private final long maxResponseBytes;

    private InferenceClient(Builder b) {
        this.baseUrl = b.baseUrl;
        this.token = b.token;
        this.timeout = b.timeout;
        this.maxResponseBytes = b.maxResponseBytes;
        HttpClient.Builder http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout);
        if (b.sslContext != null) {
            http.sslContext(b.sslContext);
        }
        this.http = http.build();
    }

    /** A builder for a server at {@code baseUrl}, e.g. {@code http://127.0.0.1:8080} (the server's "listening on"). */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** The server's base URL, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Predicts {@code rows} (one feature row each, raw values) with the model's served version. */
    public InferResponse infer(String model, float[]... rows) {
        return infer(model, InferRequest.ofRows(null, rows));
    }

    /** Sends {@code request} to the model's served version. */
    public InferResponse infer(String model, InferRequest request) {
        return infer(model, request, Map.of());
    }

    /** Sends {@code request} with extra headers (e.g. {@code hearth-routing-key} for a rollout). */
    public InferResponse infer(String model, InferRequest request, Map<String, String> headers) {
        return post("/v2/models/" + segment(model) + "/infer", request, headers);
    }

    /** Sends {@code request} to one version of the model. */
    public InferResponse inferVersion(String model, long version, InferRequest request) {
        return post("/v2/models/" + segment(model) + "/versions/" + version + "/infer", request, Map.of());
    }

    /** The model's metadata ({@code GET /v2/models/NAME}): versions, inputs, outputs, Hearth's extras. */
    public JsonNode metadata(String model) {
        Answer a = send(get("/v2/models/" + segment(model)).build());
        return json(a, "GET /v2/models/" + model);
    }

    /** True when the server is ready ({@code /v2/health/ready} answers 200; 503 while loading or draining). */
    public boolean ready() {
        return readiness("/v2/health/ready");
    }

    /** True when the model's served version is loaded ({@code /v2/models/NAME/ready}). */
    public boolean modelReady(String model) {
        return readiness("/v2/models/" + segment(model) + "/ready");
    }

    private boolean readiness(String path) {
        HttpRequest request = get(path).build();
        Answer a = exchange(request);
        if (a.status == 200 || a.status == 503) {
            return a.status == 200;
        }
        throw failure(request, a);
    }

    private InferResponse post(String path, InferRequest request, Map<String, String> headers) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toJson()));
        headers.forEach(b::header);
        Answer a = send(b.build());
        return InferResponse.of(json(a, "POST " + path), a.headers);
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** The exchange; an {@link InferenceException} unless the status is 2xx. */
    private Answer send(HttpRequest request) {
        Answer a = exchange(request);
        if (a.status / 100 != 2) {
            throw failure(request, a);
        }
        return a;
    }

    private Answer exchange(HttpRequest request) {
        String what = request.method() + " " + request.uri();
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxResponseBytes) {
                    throw new InferenceException(
                            what,
                            r.statusCode(),
                            "response of " + declared + " bytes exceeds the client's limit of " + maxResponseBytes,
                            r.headers(),
                            null);
                }
                byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxResponseBytes + 1));
                if (body.length > maxResponseBytes) {
                    throw new InferenceException(
                            what,
                            r.statusCode(),
                            "response exceeds the client's limit of " + maxResponseBytes + " bytes",
                            r.headers(),
                            null);
                }
                return new Answer(r.statusCode(), r.headers(), body);
            }
        } catch (IOException e) {
            throw new InferenceException(what, 0, e.toString(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException(what, 0, "interrupted", null, e);
        }
    }

    private static JsonNode json(Answer a, String what) {
        try {
            return JSON.readTree(a.body);
        } catch (IOException e) {
            throw new InferenceException(what, a.status, "answer is not JSON: " + snippet(a.body), a.headers, e);
        }
    }

    private static InferenceException failure(HttpRequest request, Answer a) {
        String message;
        try {
            JsonNode error = JSON.readTree(a.body).path("error");
            message = error.isTextual() ? error.asText() : snippet(a.body);
        } catch (IOException e) {
            message = snippet(a.body);
        }
        return new InferenceException(request.method() + " " + request.uri(), a.status, message, a.headers, null);
    }

    private static String snippet(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record Answer(int status, HttpHeaders headers, byte[] body) {}

    /** Options of an {@link InferenceClient}: {@code opt*} setters, each with a default. */
    public static final class Builder {
        private final String baseUrl;
        private String token;
        private SSLContext sslContext;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

        private Builder(String baseUrl) {
            if (baseUrl == null || !baseUrl.matches("https?://[^/\\s]+/?")) {
                throw new IllegalArgumentException("baseUrl '" + baseUrl + "' must be http(s)://host:port");
            }
            this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        }

        /** A bearer token (from {@code bin/hearth tokens create}); none by default. */
        public Builder optToken(String token) {
            this.token = token;
            return this;
        }

        /** TLS with this context (its trust managers decide which servers are trusted). */
        public Builder optSslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** Trusts exactly the certificates in a PEM file (e.g. the server's self-signed {@code tls.cert.file}). */
        public Builder optTrustedCertificates(Path pemFile) {
            try (InputStream in = Files.newInputStream(pemFile)) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("cert-" + i++, c);
                }
                if (i == 0) {
                    throw new IllegalArgumentException(
                            "trusted certificates file " + pemFile + " holds no certificate");
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, tmf.getTrustManagers(), null);
                this.sslContext = context;
                return this;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "cannot read trusted certificates from " + pemFile + ": " + e.getMessage(), e);
            }
        }

        /** Time limit of one request, 30 s by default. */
        public Builder optTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Time limit to connect, 5 s by default. */
        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Largest response body accepted, {@value InferenceClient#DEFAULT_MAX_RESPONSE_BYTES} bytes by default. */
        public Builder optMaxResponseBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxResponseBytes " + bytes + " must be at least 1");
            }
            this.maxResponseBytes = bytes;
            return this;
        }

        public InferenceClient build() {
            return new InferenceClient(this);
        }
    }
}
