package dev.hearth.bench.abuse;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * The hostile requests of the HTTP loads, as generators for {@link HttpFlood}: request {@code i} of a load. Each
 * is what an attacker can send over one connection; none needs more than a predict token, most need nothing.
 */
final class HostileRequests {
    private static final String JSON = "application/json";

    private final String base;
    private final String model;
    private final String predictToken;
    private final Random random;

    /**
     * @param base server base URL
     * @param model the served model's name
     * @param predictToken the attacker's own valid token with {@code predict:<model>} only
     * @param seed seed of the random names and tokens, recorded with the results
     */
    HostileRequests(String base, String model, String predictToken, long seed) {
        this.base = base;
        this.model = model;
        this.predictToken = predictToken;
        this.random = new Random(seed);
    }

    /** Load 1: random model names, no token: {@code GET .../ready} and {@code POST .../infer} in turn. */
    LongFunction<HttpRequest.Builder> randomNamesWithoutToken(String validBody) {
        return i -> {
            String name = randomName();
            return i % 2 == 0
                    ? get("/v2/models/" + name + "/ready")
                    : post("/v2/models/" + name + "/infer", validBody.getBytes(StandardCharsets.UTF_8));
        };
    }

    /**
     * Load 2: v2 shape bombs, about 90 bytes that declare {@code [65536, width]} and carry three numbers, with a
     * valid predict token.
     */
    LongFunction<HttpRequest.Builder> shapeBombs(String inputName, int width) {
        byte[] body = ("{\"inputs\":[{\"name\":\"" + inputName + "\",\"shape\":[65536," + width
                        + "],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}")
                .getBytes(StandardCharsets.UTF_8);
        return i -> authorized(post("/v2/models/" + model + "/infer", body));
    }

    /**
     * Load 3: v1 bombs, {@code {"instances":[[],[],...]}} of {@code bytes} bytes: a million empty instances,
     * each a JSON array node if the server builds a tree before checking anything.
     */
    LongFunction<HttpRequest.Builder> instancesBombs(int bytes) {
        byte[] body = instancesBomb(bytes);
        return i -> authorized(post("/v1/models/" + model + ":predict", body));
    }

    static byte[] instancesBomb(int bytes) {
        String head = "{\"instances\":[";
        String tail = "[]]}";
        int n = Math.max(0, (bytes - head.length() - tail.length()) / 3);
        return (head + "[],".repeat(n) + tail).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Load 4: bodies of the server's maximum size, in turn valid (as many rows as fit), random garbage, and one
     * byte over the limit, with a valid predict token.
     */
    LongFunction<HttpRequest.Builder> maximumBodies(byte[] validOfMax, long maxBytes) {
        byte[] garbage = new byte[(int) maxBytes];
        random.nextBytes(garbage);
        byte[] over = new byte[(int) maxBytes + 1];
        random.nextBytes(over);
        List<byte[]> bodies = List.of(validOfMax, garbage, over);
        return i -> authorized(post("/v2/models/" + model + "/infer", bodies.get((int) (i % bodies.size()))));
    }

    /**
     * Load 6: invalid tokens on model, metadata and metrics endpoints: random garbage, well-formed tokens with
     * random ids, the attacker's real id with a wrong secret, and Basic credentials.
     */
    LongFunction<HttpRequest.Builder> invalidTokens(String validBody) {
        String id = predictToken.substring("hearth_".length(), predictToken.indexOf('_', "hearth_".length()));
        byte[] body = validBody.getBytes(StandardCharsets.UTF_8);
        return i -> {
            String header = switch ((int) (i % 4)) {
                case 0 -> "Bearer " + randomText(40);
                case 1 -> "Bearer hearth_" + randomHex(12) + "_" + randomText(43);
                case 2 -> "Bearer hearth_" + id + "_" + randomText(43);
                default ->
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(("admin:" + randomText(8)).getBytes(StandardCharsets.UTF_8));
            };
            HttpRequest.Builder b = switch ((int) (i / 4 % 4)) {
                case 0 -> post("/v2/models/" + model + "/infer", body);
                case 1 -> get("/v2/models/" + randomName() + "/ready");
                case 2 -> get("/metrics");
                default -> get("/v2/models/" + model);
            };
            return b.header("Authorization", header);
        };
    }

    /** Load 6b: valid requests to {@code /versions/{v}/infer} cycling through {@code versions}, predict token. */
    LongFunction<HttpRequest.Builder> versionedLoads(List<Integer> versions, String validBody) {
        byte[] body = validBody.getBytes(StandardCharsets.UTF_8);
        return i -> authorized(post(
                "/v2/models/" + model + "/versions/" + versions.get((int) (i % versions.size())) + "/infer", body));
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) {
        return b.header("Authorization", "Bearer " + predictToken);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET();
    }

    private HttpRequest.Builder post(String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private synchronized String randomName() {
        return "m" + randomHex(11);
    }

    private synchronized String randomHex(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString();
    }

    private synchronized String randomText(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
