package dev.hearth.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness codes and HAProxy's view of a replica, against a real HTTP server on a loopback port (the JDK's) that
 * answers as a replica's readiness and as HAProxy's stats CSV do.
 */
class FleetProbeTest {
    /** HAProxy 2.6's stats CSV, cut to its first columns after status (the parser finds the column by name). */
    static final String CSV = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"
            + "wretr,wredis,status,weight,act\n"
            + "hearth,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,,\n"
            + "replicas,r1,0,0,0,1,,3,0,0,,0,,0,0,0,0,UP,1,1\n"
            + "replicas,r2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,1\n"
            + "replicas,r3,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP 1/2,1,1\n"
            + "replicas,BACKEND,0,0,0,1,410,3,0,0,0,0,,0,0,0,0,UP,2,2\n";

    private HttpServer server;
    private final AtomicInteger readyStatus = new AtomicInteger(200);
    private final AtomicReference<String> csv = new AtomicReference<>(CSV);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/health/ready", x -> {
            x.sendResponseHeaders(readyStatus.get(), -1);
            x.close();
        });
        server.createContext("/stats", x -> {
            byte[] body = csv.get().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(x.getRequestURI().getPath().equals("/stats;csv") ? 200 : 404, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readinessCodeOrNoAnswer() throws Exception {
        FleetProbe probe = new FleetProbe();
        int port = server.getAddress().getPort();
        assertThat(probe.readyCode(port)).isEqualTo(200);
        readyStatus.set(503);
        assertThat(probe.readyCode(port)).isEqualTo(503);
        server.stop(0);
        assertThat(probe.readyCode(port)).isEqualTo(FleetProbe.NO_ANSWER);
        assertThat(FleetProbe.format(FleetProbe.NO_ANSWER)).isEqualTo("000");
        assertThat(FleetProbe.format(503)).isEqualTo("503");
    }

    @Test
    void theBalancerSeesAReplicaUpOnlyWhenItsStatusIsUp() throws Exception {
        FleetProbe probe = new FleetProbe();
        int port = server.getAddress().getPort();
        assertThat(probe.balancerSeesUp(port, "r1")).isTrue();
        assertThat(probe.balancerSeesUp(port, "r2")).isFalse();
        assertThat(probe.balancerSeesUp(port, "r3"))
                .as("UP 1/2: still going up")
                .isFalse();
        assertThat(probe.balancerSeesUp(port, "r4")).isFalse();
        csv.set("garbage\n,,,\n");
        assertThat(probe.balancerSeesUp(port, "r1")).isFalse();
        server.stop(0);
        assertThat(probe.balancerSeesUp(port, "r1")).isFalse();
    }

    @Test
    void statusColumnIsFoundByName() {
        assertThat(FleetProbe.serverStatus(CSV, "replicas", "r2")).isEqualTo("DOWN");
        assertThat(FleetProbe.serverStatus(CSV, "hearth", "FRONTEND")).isEqualTo("OPEN");
        assertThat(FleetProbe.serverStatus("replicas,r1,UP\n", "replicas", "r1"))
                .isNull();
    }
}
