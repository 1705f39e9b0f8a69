package dev.hearth.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.gadget.Gadget;
import dev.hearth.gadget.SerialProbe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM-wide deserialization filter of {@code conf/jvm17.args} (server, tools, Spark driver, notebook kernel,
 * tests) and {@code conf/spark-defaults.conf} (Spark driver and executors under spark-submit): a class outside the
 * allowlist is refused before any of its code runs, what Spark needs still reads, and both files carry the same list.
 */
class SerialFilterTest {
    private static final String FILTER_OPTION = "-Djdk.serialFilter=";

    @TempDir
    Path dir;

    @Test
    void aJvmStartedWithTheProjectArgsRefusesAGadgetThatRunsCodeWithoutThem() throws Exception {
        Path marker = dir.resolve("code-ran");
        Path gadget = serialized("gadget.ser", new Gadget(marker));
        Path hidden =
                serialized("hidden.ser", new HashMap<>(Map.of("k", new ArrayList<>(List.of(new Gadget(marker))))));
        Path plain = serialized("plain.ser", new HashMap<>(Map.of("k", new ArrayList<>(List.of(1L, "two")))));

        // Control: without the filter, reading the gadget runs its code; so the refusal below is the filter's doing.
        String unfiltered = probe(false, gadget);
        assertThat(unfiltered).contains("filter null", "read " + gadget + " " + Gadget.class.getName());
        assertThat(marker).exists();
        Files.delete(marker);

        String filtered = probe(true, gadget, hidden, plain);
        assertThat(filtered)
                .contains("refused " + gadget + " filter status: REJECTED")
                .contains("refused " + hidden + " filter status: REJECTED")
                .contains("read " + plain + " java.util.HashMap");
        assertThat(marker).doesNotExist();
    }

    @Test
    void testJvmsRunUnderTheFilterAndSparkClassesStillRead() throws Exception {
        // Surefire and failsafe start every test JVM with @conf/jvm17.args: the whole suite runs with the filter.
        assertThat(ObjectInputFilter.Config.getSerialFilter()).isNotNull();
        assertThatThrownBy(() -> roundTrip(new Gadget(dir.resolve("x"))))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
        assertThat(dir.resolve("x")).doesNotExist();
        SparkConf conf = new SparkConf().set("spark.app.name", "probe");
        assertThat(((SparkConf) roundTrip(conf)).get("spark.app.name")).isEqualTo("probe");
        assertThat(roundTrip(scala.Option.apply(List.of(1, 2)))).isEqualTo(scala.Option.apply(List.of(1, 2)));
    }

    @Test
    void sparkDriverAndExecutorsGetTheSameFilterAsTheJvmArgsFile() throws Exception {
        String fromArgsFile = probe(true)
                .lines()
                .filter(l -> l.startsWith("filter "))
                .findFirst()
                .orElseThrow()
                .substring("filter ".length());
        assertThat(fromArgsFile).startsWith("java.lang.*;").endsWith(";!*");
        Map<String, String> defaults = SparkConfFile.read(LocalSpark.sparkDefaults());
        for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            List<String> filters = Arrays.stream(defaults.getOrDefault(key, "").split("\\s+"))
                    .filter(o -> o.startsWith(FILTER_OPTION))
                    .map(o -> o.substring(FILTER_OPTION.length()))
                    .toList();
            assertThat(filters).as(key + " in conf/spark-defaults.conf").containsExactly(fromArgsFile);
        }
    }

    @Test
    void aTaskFailureReachesTheDriverWithItsMessage() {
        // A task's exception travels to the driver Java-serialized; were its class refused, Spark would report only
        // "UnknownReason". java.io.* is on the list for exactly this.
        org.apache.spark.sql.SparkSession spark = LocalSpark.start("serial-filter", "local[1]");
        try {
            var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
            assertThatThrownBy(() -> sc.parallelize(List.of(1, 2), 1)
                            .map(i -> {
                                if (i == 2) {
                                    throw new java.io.UncheckedIOException(new IOException("disk on fire at row " + i));
                                }
                                return i;
                            })
                            .collect())
                    .hasMessageContaining("java.io.UncheckedIOException: java.io.IOException: disk on fire at row 2");
        } finally {
            spark.stop();
        }
    }

    /** Runs {@link SerialProbe} in a child JVM, with or without {@code @conf/jvm17.args}; returns its output. */
    private String probe(boolean projectArgs, Path... files) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (projectArgs) {
            cmd.add("@" + LocalSpark.projectRoot().resolve("conf/jvm17.args"));
        }
        cmd.addAll(List.of(
                "-cp",
                Path.of(SerialProbe.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString(),
                SerialProbe.class.getName()));
        for (Path f : files) {
            cmd.add(f.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("probe JVM did not finish: " + cmd);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private Path serialized(String name, Object o) throws IOException {
        Path f = dir.resolve(name);
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(f))) {
            out.writeObject(o);
        }
        return f;
    }

    private static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
