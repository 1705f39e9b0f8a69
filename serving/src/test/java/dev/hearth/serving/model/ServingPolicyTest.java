package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.InvalidNameException;
import org.junit.jupiter.api.Test;

/** The {@code serving.models} entry syntax: name, name/N, name@alias. */
class ServingPolicyTest {
    @Test
    void parsesTheThreePolicies() {
        assertThat(ServingPolicy.parse("iris"))
                .isEqualTo(new ServingPolicy("iris", ServingPolicy.Kind.LATEST, 0, null));
        assertThat(ServingPolicy.parse(" iris/7 "))
                .isEqualTo(new ServingPolicy("iris", ServingPolicy.Kind.PINNED, 7, null));
        ServingPolicy alias = ServingPolicy.parse("iris@production");
        assertThat(alias.kind()).isEqualTo(ServingPolicy.Kind.ALIAS);
        assertThat(alias.alias()).isEqualTo("production");
        assertThat(alias.toString()).isEqualTo("iris@production (alias)");
    }

    @Test
    void refusesMalformedEntries() {
        for (String bad : new String[] {"", "Iris", "iris/0", "iris/x", "iris@", "iris@Prod", "a..b"}) {
            assertThatThrownBy(() -> ServingPolicy.parse(bad)).as(bad).isInstanceOf(InvalidNameException.class);
        }
    }
}
