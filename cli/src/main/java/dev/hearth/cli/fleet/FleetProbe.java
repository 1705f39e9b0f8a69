package dev.hearth.cli.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the fleet looks like from outside, over plain HTTP on loopback: a replica's readiness
 * ({@code GET /v2/health/ready}, its status code) and the balancer's view of a replica (HAProxy's stats CSV, the
 * {@code status} column of its row in backend {@code replicas}). Every request is bounded by a 2 s timeout.
 */
final class FleetProbe {
    /** The status shown when nothing answered (as curl's {@code %{http_code}} shows it). */
    static final int NO_ANSWER = 0;

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;

    FleetProbe() {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build();
    }

    /** The status code of the replica's readiness on {@code port}, {@link #NO_ANSWER} when it does not answer. */
    int readyCode(int port) throws InterruptedException {
        try {
            return http.send(
                            get("http://127.0.0.1:" + port + "/v2/health/ready"),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return NO_ANSWER;
        }
    }

    /** Whether HAProxy (stats on {@code statsPort}) sees server {@code server} of backend replicas as UP. */
    boolean balancerSeesUp(int statsPort, String server) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(
                    get("http://127.0.0.1:" + statsPort + "/stats;csv"), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && "UP".equals(serverStatus(r.body(), "replicas", server));
        } catch (IOException e) {
            return false;
        }
    }

    /** A readiness status as {@code fleet status} prints it: three digits, {@code 000} for no answer. */
    static String format(int code) {
        return String.format(Locale.ROOT, "%03d", code);
    }

    /**
     * The {@code status} column of the row {@code backend,server} in HAProxy's stats CSV (its header line starts
     * with {@code "# "} and names the columns); null when there is no such row or column.
     */
    static String serverStatus(String csv, String backend, String server) {
        int column = -1;
        for (String line : csv.split("\n")) {
            if (line.startsWith("# ")) {
                column = List.of(line.substring(2).split(",", -1)).indexOf("status");
                continue;
            }
            String[] fields = line.split(",", -1);
            if (column >= 0 && fields.length > column && fields[0].equals(backend) && fields[1].equals(server)) {
                return fields[column];
            }
        }
        return null;
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    }
}
