package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ServerConfig}: the server's keys read once, with the defaults of {@code conf/serving.properties}. */
class ServerConfigTest {
    private static Settings load(String... overrides) {
        return ServingSettings.loader().load(null, List.of(overrides));
    }

    @Test
    void defaultsBecomeTypedValues() {
        ServerConfig c = ServerConfig.from(load("store.root=/tmp/h20-store"));
        assertThat(c.storeRoot()).isEqualTo("/tmp/h20-store");
        assertThat(c.policies()).isEmpty();
        assertThat(c.authEnabled()).isTrue();
        assertThat(c.consoleEnabled()).isFalse();
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.http().maxRows()).isEqualTo(10_000);
        assertThat(c.batching("any").maxBatchRows()).isEqualTo(64);
    }

    @Test
    void perModelBatchingOverridesTheDefaults() {
        ServerConfig c = ServerConfig.from(load("batching.per.model=iris:8:500", "serving.models=iris,digits@prod"));
        assertThat(c.batching("iris").maxBatchRows()).isEqualTo(8);
        assertThat(c.batching("digits").maxBatchRows()).isEqualTo(64);
        assertThat(c.policies()).hasSize(2);
        assertThatThrownBy(() -> ServerConfig.from(load("batching.per.model=iris:8")))
                .hasMessage("batching.per.model entries must be name:maxRows:maxDelayMicros but was 'iris:8'");
    }

    @Test
    void aBadValueFailsTheLoadNamingKeyValueAndRule() {
        assertThatThrownBy(() -> load("server.max.rows=0"))
                .isInstanceOf(SettingsException.class)
                .hasMessage("server.max.rows must be >= 1 but was 0");
        assertThatThrownBy(() -> load("batching.enabled=maybe"))
                .hasMessage("batching.enabled must be true or false but was 'maybe'");
        assertThatThrownBy(() -> load("server.drain.ms=soon"))
                .hasMessage("server.drain.ms must be an integer but was 'soon'");
    }
}
