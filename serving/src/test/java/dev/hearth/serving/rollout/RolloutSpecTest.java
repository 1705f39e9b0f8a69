package dev.hearth.serving.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.model.ServingPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutSpecTest {
    @Test
    void parsesCanaryAndShadowEntries() {
        Map<String, RolloutSpec> specs = RolloutSpec.parseList(
                "serving.rollout", "iris.canary=@canary:10, iris.shadow=/7:0.5, my.model.shadow=my.model@next:1");
        RolloutSpec iris = specs.get("iris");
        assertThat(iris.canary().policy()).isEqualTo(ServingPolicy.parse("iris@canary"));
        assertThat(iris.canary().weight()).isEqualTo(10.0);
        assertThat(iris.shadow().policy()).isEqualTo(ServingPolicy.parse("iris/7"));
        assertThat(iris.shadow().weight()).isEqualTo(0.5);
        assertThat(specs.get("my.model").canary()).isNull();
        assertThat(specs.get("my.model").shadow().policy().alias()).isEqualTo("next");
        assertThat(RolloutSpec.parseList("serving.rollout", "")).isEmpty();
    }

    @Test
    void badEntriesAreNamedWithTheirRule() {
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.canary=@canary:101"))
                .hasMessageContaining("iris.canary=@canary:101")
                .hasMessageContaining("PERCENT from 0 to 100");
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.shadow=@s:1.5"))
                .hasMessageContaining("FRACTION from 0 to 1");
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.canary=@canary"))
                .hasMessageContaining("REF:PERCENT");
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.mirror=@x:1"))
                .hasMessageContaining("<model>.canary or <model>.shadow");
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.canary=other@c:5"))
                .hasMessageContaining("must name an alias or a version of 'iris'");
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.canary=@c:x"))
                .hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> RolloutSpec.parseList("serving.rollout", "iris.canary=@c:1,iris.canary=@d:2"))
                .hasMessageContaining("twice");
    }

    @Test
    void bucketsAreStableUniformAndACanaryOnlyGrows() {
        assertThat(RoutingKey.bucket("caller-42")).isEqualTo(RoutingKey.bucket("caller-42"));
        int in10 = 0;
        int in50 = 0;
        for (int i = 0; i < 20_000; i++) {
            int b = RoutingKey.bucket("k" + i);
            assertThat(b).isBetween(0, RoutingKey.BUCKETS - 1);
            boolean ten = RoutingKey.inCanary(b, 10);
            boolean fifty = RoutingKey.inCanary(b, 50);
            in10 += ten ? 1 : 0;
            in50 += fifty ? 1 : 0;
            if (ten) {
                assertThat(fifty)
                        .as("a caller in the 10%% canary stays in it at 50%%")
                        .isTrue();
            }
            assertThat(RoutingKey.inCanary(b, 100)).isTrue();
            assertThat(RoutingKey.inCanary(b, 0)).isFalse();
        }
        assertThat(in10 / 20_000.0).isBetween(0.09, 0.11);
        assertThat(in50 / 20_000.0).isBetween(0.48, 0.52);
    }
}
