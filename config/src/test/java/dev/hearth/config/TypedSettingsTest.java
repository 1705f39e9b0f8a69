package dev.hearth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Typed settings: each value is checked once, at load, against the rule its {@link Setting} declares. */
class TypedSettingsTest {
    enum Mode implements Choice {
        AUTO,
        MANUAL_ONLY
    }

    private final SettingsLoader loader = new SettingsLoader(List.of(
            Setting.integer("workers", 2, 1, "workers"),
            Setting.number("rate", "0.5", 0, 1, "rate"),
            Setting.flag("stats", false, "stats"),
            Setting.choice("mode", Mode.AUTO, Mode.class, "mode"),
            new Setting("optional.count", "", "no default", Rule.atLeast(0)),
            new Setting("note", "", "free text")));

    @Test
    void defaultsAreTypedAndParsed() {
        Settings s = loader.load(null, List.of("mode=Manual-Only"));
        assertThat(s.getInt("workers")).isEqualTo(2);
        assertThat(s.getDouble("rate")).isEqualTo(0.5);
        assertThat(s.getBoolean("stats")).isFalse();
        assertThat(s.getEnum("mode", Mode.class)).isEqualTo(Mode.MANUAL_ONLY);
        assertThat(s.isSet("optional.count")).isFalse();
    }

    @Test
    void badValuesFailTheLoadNamingKeyValueAndRule() {
        assertThatThrownBy(() -> loader.load(null, List.of("workers=0")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("workers must be >= 1 but was 0");
        assertThatThrownBy(() -> loader.load(null, List.of("workers=many")))
                .hasMessage("workers must be an integer but was 'many'");
        assertThatThrownBy(() -> loader.load(null, List.of("rate=2")))
                .hasMessage("rate must be between 0.0 and 1.0 but was 2");
        assertThatThrownBy(() -> loader.load(null, List.of("stats=yes")))
                .hasMessage("stats must be true or false but was 'yes'");
        assertThatThrownBy(() -> loader.load(null, List.of("mode=sideways")))
                .hasMessage("mode must be one of [auto, manual-only] but was 'sideways'");
        assertThatThrownBy(() -> loader.load(null, List.of("optional.count=-1")))
                .hasMessage("optional.count must be >= 0 but was -1");
    }

    @Test
    void aTypedSettingWithADefaultCannotBeEmptied() {
        assertThatThrownBy(() -> loader.load(null, List.of("workers=")))
                .hasMessage("workers is required but was not set (use --set workers=...)");
        assertThat(loader.load(null, List.of("note=", "optional.count=")).get("note"))
                .isEmpty();
    }

    @Test
    void rulesDescribeThemselvesForHelp() {
        assertThat(loader.declared())
                .extracting(s -> s.rule().describe())
                .containsExactly(
                        "an integer >= 1",
                        "a number between 0.0 and 1.0",
                        "true or false",
                        "one of [auto, manual-only]",
                        "an integer >= 0",
                        "text");
    }

    enum Shape implements Choice {
        ROUND,
        SQUARE,
        STAR
    }

    @Test
    void aChoiceMayAllowOnlySomeWordsOfASharedEnum() {
        SettingsLoader narrow = new SettingsLoader(List.of(Setting.choice(
                "shape",
                Shape.ROUND,
                Shape.class,
                java.util.EnumSet.of(Shape.SQUARE, Shape.ROUND),
                "round or square")));
        assertThat(narrow.load(null, List.of("shape=Square")).getEnum("shape", Shape.class))
                .isEqualTo(Shape.SQUARE);
        assertThatThrownBy(() -> narrow.load(null, List.of("shape=star")))
                .hasMessage("shape must be one of [round, square] but was 'star'");
        assertThat(narrow.declared().get(0).rule().describe()).isEqualTo("one of [round, square]");
        assertThatThrownBy(() -> Settings.of(java.util.Map.of("shape", "star"))
                        .getEnum("shape", java.util.EnumSet.of(Shape.ROUND, Shape.SQUARE)))
                .hasMessage("shape must be one of [round, square] but was 'star'");
        assertThatThrownBy(
                        () -> Setting.choice("shape", Shape.STAR, Shape.class, java.util.EnumSet.of(Shape.ROUND), "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
