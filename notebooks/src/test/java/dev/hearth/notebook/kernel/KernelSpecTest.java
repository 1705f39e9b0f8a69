package dev.hearth.notebook.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel JVM starts with the project's JVM options, among them the JVM-wide deserialization filter. */
class KernelSpecTest {
    @Test
    void kernelJvmStartsWithTheProjectArgsFileAndItsDeserializationFilter() throws Exception {
        Path root = Path.of(System.getProperty("hearth.root", ".."))
                .toAbsolutePath()
                .normalize();
        KernelSpec spec = new KernelSpec(Path.of("/usr/bin/java"), root, List.of("a.jar"), "2g");
        @SuppressWarnings("unchecked")
        List<String> argv = (List<String>) spec.json().get("argv");
        Path args = root.resolve("conf/jvm17.args");
        assertThat(argv.subList(0, 2)).containsExactly("/usr/bin/java", "@" + args);
        // a later -Djdk.serialFilter on the command line would replace the file's
        assertThat(argv).noneMatch(a -> a.startsWith("-Djdk.serialFilter"));
        assertThat(Files.readAllLines(args)).anyMatch(l -> l.startsWith("-Djdk.serialFilter="));
    }
}
