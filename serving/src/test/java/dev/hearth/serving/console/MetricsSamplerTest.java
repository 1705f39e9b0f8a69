package dev.hearth.serving.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rates from the same kind of registry and meters the server uses (Prometheus, latency histograms): requests/s,
 * latency quantiles from the bucket counts between two samples (not since start), errors and rows per pass.
 */
class MetricsSamplerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Timer timer(String status) {
        return Timer.builder("hearth.requests")
                .tags("endpoint", "/v2/models/{name}/infer", "model", "iris", "version", "1", "status", status)
                .publishPercentileHistogram()
                .register(registry);
    }

    @Test
    void ratesAndQuantilesAreOverEachIntervalOnly() {
        MetricsSampler sampler = new MetricsSampler(registry, () -> Map.of("iris", 1), 1000);
        DistributionSummary rows = DistributionSummary.builder("hearth.batch.rows")
                .tag("model", "iris")
                .register(registry);
        sampler.sample(0);
        for (int i = 0; i < 90; i++) {
            timer("200").record(1, TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < 10; i++) {
            timer("200").record(50, TimeUnit.MILLISECONDS);
        }
        timer("400").record(1, TimeUnit.MILLISECONDS);
        timer("503").record(1, TimeUnit.MILLISECONDS);
        rows.record(4);
        rows.record(8);
        sampler.sample(2000);
        for (int i = 0; i < 10; i++) {
            timer("200").record(200, TimeUnit.MILLISECONDS);
        }
        sampler.sample(3000);

        List<MetricsSampler.Point> series = sampler.series("iris");
        assertThat(series).hasSize(2);
        MetricsSampler.Point first = series.get(0);
        assertThat(first.rps()).isEqualTo(51.0);
        assertThat(first.p50Ms()).isBetween(1.0, 1.5);
        assertThat(first.p99Ms()).isBetween(50.0, 75.0);
        assertThat(first.clientErrorsPerSec()).isEqualTo(0.5);
        assertThat(first.serverErrorsPerSec()).isEqualTo(0.5);
        assertThat(first.batchRows()).isEqualTo(6.0);
        MetricsSampler.Point second = series.get(1);
        assertThat(second.rps()).isEqualTo(10.0);
        assertThat(second.p50Ms()).as("only this interval's requests").isBetween(200.0, 300.0);
        assertThat(second.batchRows()).isNaN();
        MetricsSampler.Point window =
                sampler.over("iris", Duration.ofMinutes(5)).orElseThrow();
        assertThat(window.rps()).isEqualTo(112 / 3.0);
        assertThat(sampler.over("wine", Duration.ofMinutes(5))).isEmpty();
        assertThat(ChartSvg.render("iris", ChartSvg.Kind.LATENCY, series))
                .contains("<polyline")
                .contains("p99")
                .doesNotContain("<script");
    }
}
