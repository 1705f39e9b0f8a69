package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WrkResultTest {
    private static final String OUT = """
            Running 5s test @ http://127.0.0.1:41234/v2/models/mnist/infer
              1 threads and 32 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     6.10ms    3.02ms  56.00ms   80.00%
                Req/Sec     4.90k   300.00     5.50k    70.00%
              Latency Distribution
                 50%  850.00us
                 75%    7.00ms
                 90%    9.00ms
                 99%    1.20s
              24525 requests in 5.00s, 10.00MB read
            Requests/sec:   4905.00
            Transfer/sec:      2.00MB
            """;

    @Test
    void parsesRateAndPercentilesInTheirUnits() {
        WrkResult r = WrkResult.parse(OUT);
        assertThat(r.requestsPerSecond()).isEqualTo(4905.0);
        assertThat(r.p50Millis()).isEqualTo(0.85);
        assertThat(r.p99Millis()).isEqualTo(1200.0);
        assertThat(r.requests()).isEqualTo(24525);
        assertThat(r.errors()).isZero();
    }

    @Test
    void countsSocketErrorsAndErrorResponses() {
        WrkResult r = WrkResult.parse(OUT.replace(
                "Requests/sec",
                "  Socket errors: connect 0, read 2, write 0, timeout 3\n"
                        + "  Non-2xx or 3xx responses: 7\nRequests/sec"));
        assertThat(r.errors()).isEqualTo(12);
        assertThat(r.errorText()).contains("timeout 3").contains("Non-2xx or 3xx responses: 7");
    }

    @Test
    void refusesOutputWithoutLatencyDistribution() {
        assertThatThrownBy(() -> WrkResult.parse(OUT.replace("99%", "98%"))).hasMessageContaining("--latency");
    }
}
