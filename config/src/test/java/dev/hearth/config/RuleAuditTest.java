package dev.hearth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit that keeps a new setting from skipping its rule, and the conf/ check that choices list their words. */
class RuleAuditTest {
    enum Colour implements Choice {
        RED,
        DARK_BLUE
    }

    @Test
    void typedSettingsAndListedFreeTextPass() {
        assertThat(RuleAudit.problems(
                        List.of(
                                Setting.integer("n", 1, 0, "n"),
                                Setting.number("rate", "0.5", 0, 1, "rate"),
                                Setting.flag("on", true, "on"),
                                Setting.choice("colour", Colour.RED, Colour.class, "colour: red or dark-blue"),
                                new Setting("sizes", "64,32", "sizes", Rule.positiveIntegers()),
                                new Setting("path", "", "a path")),
                        Set.of("path")))
                .isEmpty();
    }

    @Test
    void untypedNumbersFlagsAndUnlistedTextAreProblems() {
        assertThat(RuleAudit.problems(
                        List.of(
                                new Setting("ratio", "0.3", "a number without a rule"),
                                new Setting("enabled", "false", "a flag without a rule"),
                                new Setting("mode", "fast", "fast or slow, but free text"),
                                new Setting("threshold", "", "optional number, free text, not listed"),
                                Setting.choice("colour", Colour.RED, Colour.class, "colour: only red is named"),
                                Setting.integer("n", 1, 0, "n")),
                        Set.of("n", "gone")))
                .containsExactly(
                        "ratio defaults to the number 0.3 but has no numeric rule (Setting.integer or Setting.number)",
                        "enabled defaults to false but has no true/false rule (Setting.flag)",
                        "mode is free text: give it a rule (Setting.choice for a fixed set of words, Setting.integer "
                                + "or Setting.number for numbers) or list it as free text",
                        "threshold is free text: give it a rule (Setting.choice for a fixed set of words, "
                                + "Setting.integer or Setting.number for numbers) or list it as free text",
                        "colour's description does not name its allowed value 'dark-blue'",
                        "n is listed as free text but has the rule an integer >= 0",
                        "gone is listed as free text but is not declared");
    }

    @Test
    void confCommentOfAChoiceMustListItsWords(@TempDir Path dir) throws IOException {
        SettingsLoader loader = new SettingsLoader(
                List.of(Setting.choice("colour", Colour.RED, Colour.class, "colour: red or dark-blue")));
        Path good = dir.resolve("good.properties");
        Files.writeString(good, "# Section\n\n# Paint: red or dark-blue.\ncolour=red\n");
        assertThat(loader.documentationProblems(good)).isEmpty();
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "# Paint colour.\ncolour=red\n");
        assertThat(loader.documentationProblems(bad))
                .containsExactly("colour's comment does not list the allowed values [red, dark-blue]");
    }

    @Test
    void integerListIsCheckedAtLoadAndMayBeEmpty() {
        SettingsLoader loader =
                new SettingsLoader(List.of(new Setting("sizes", "64", "sizes", Rule.positiveIntegers())));
        assertThat(loader.load(null, List.of("sizes=")).getIntList("sizes")).isEmpty();
        assertThat(loader.load(null, List.of("sizes=8, 4")).getIntList("sizes")).containsExactly(8, 4);
        assertThatThrownBy(() -> loader.load(null, List.of("sizes=8,x")))
                .hasMessage("sizes must be a comma-separated list of integers but was '8,x'");
        assertThatThrownBy(() -> loader.load(null, List.of("sizes=8,0")))
                .hasMessage("sizes entries must be >= 1 but was '8,0'");
    }
}
