package dev.hearth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
    private final SettingsLoader loader = new SettingsLoader(List.of(
            new Setting("train.epochs", "3", "epochs"),
            new Setting("train.rate", "0.1", "rate"),
            new Setting("store.root", "${user.home}/store", "root"),
            new Setting("mode", "auto", "mode")));

    @TempDir
    Path dir;

    @Test
    void defaultsThenFileThenCommandLine() throws Exception {
        Path file = dir.resolve("x.properties");
        Files.writeString(file, "# comment\ntrain.epochs=5\ntrain.rate=0.2\n");
        Settings s = loader.load(file, List.of("train.epochs=7"));
        assertThat(s.getInt("train.epochs")).isEqualTo(7);
        assertThat(s.getDouble("train.rate")).isEqualTo(0.2);
        assertThat(s.get("mode")).isEqualTo("auto");
        assertThat(s.get("store.root")).isEqualTo(System.getProperty("user.home") + "/store");
    }

    @Test
    void unknownKeysAreRefusedWithASuggestion() {
        assertThatThrownBy(() -> loader.load(null, List.of("train.epoch=5")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("unknown setting 'train.epoch' in --set (did you mean 'train.epochs'?)");
    }

    @Test
    void typedGettersNameKeyValueAndRule() {
        Settings s = loader.load(null, List.of("train.epochs=0", "train.rate=fast", "mode=sideways"));
        assertThatThrownBy(() -> s.getInt("train.epochs", 1)).hasMessage("train.epochs must be >= 1 but was 0");
        assertThatThrownBy(() -> s.getDouble("train.rate")).hasMessage("train.rate must be a number but was 'fast'");
        assertThatThrownBy(() -> s.getChoice("mode", List.of("auto", "manual")))
                .hasMessage("mode must be one of [auto, manual] but was 'sideways'");
        assertThatThrownBy(() -> loader.load(null, List.of("novalue")))
                .hasMessage("--set expects key=value but was 'novalue'");
    }

    @Test
    void undefinedVariablesAreReported() {
        assertThatThrownBy(() -> loader.load(null, List.of("store.root=${env:HEARTH_NO_SUCH_VAR}/x")))
                .hasMessageContaining("store.root refers to undefined [${env:HEARTH_NO_SUCH_VAR}]");
    }

    @Test
    void documentationCheckFindsMissingWrongAndUncommentedKeys() throws Exception {
        Path file = dir.resolve("doc.properties");
        Files.writeString(file, "# epochs\ntrain.epochs=4\ntrain.rate=0.1\n# x\nbogus=1\n# m\nmode=auto\n");
        assertThat(loader.documentationProblems(file))
                .containsExactlyInAnyOrder(
                        "train.epochs is documented as '4' but defaults to '3'",
                        "train.rate has no comment line above it",
                        "store.root is missing",
                        "bogus is not a known setting");
    }
}
