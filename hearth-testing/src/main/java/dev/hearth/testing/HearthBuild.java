package dev.hearth.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the project's build outputs are and how {@code bin/hearth} launches them: the project root, the
 * {@code conf/jvm17.args} options, the jobs jar and its dependency class path, the serving jar. Failsafe runs after
 * {@code package}, so integration tests find all of them.
 */
public final class HearthBuild {
    private HearthBuild() {}

    /** The project's root directory (surefire and failsafe pass it as {@code hearth.root}; else the parent dir). */
    public static Path root() {
        String r = System.getProperty("hearth.root");
        return r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
    }

    /** This JVM's {@code java} executable. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code conf/jvm17.args}: the {@code --add-opens} list Spark (and Hadoop) need on Java 17. */
    public static Path jvmArgsFile() {
        return existing(root().resolve("conf/jvm17.args"));
    }

    /** The options {@code bin/hearth} gives every JVM: the args file and the log4j2 configuration. */
    public static List<String> jvmArgs() {
        return List.of("@" + jvmArgsFile(), "-Dlog4j2.configurationFile=" + root().resolve("conf/log4j2.properties"));
    }

    /** {@code spark-jobs/target/hearth-spark-jobs.jar}: DL4J, ND4J and Hearth; Spark and Hadoop left out. */
    public static Path sparkJobsJar() {
        return existing(root().resolve("spark-jobs/target/hearth-spark-jobs.jar"));
    }

    /** {@code serving/target/hearth-serving.jar}. */
    public static Path servingJar() {
        return existing(root().resolve("serving/target/hearth-serving.jar"));
    }

    /**
     * The class path {@code bin/hearth models} runs with: the thin {@code cli/target/hearth-cli.jar} (the store and
     * ONNX commands) with the serving jar behind it (their dependencies).
     */
    public static String cliClasspath() {
        return existing(root().resolve("cli/target/hearth-cli.jar")) + java.io.File.pathSeparator + servingJar();
    }

    /** The entries of {@code spark-jobs/target/classpath.txt} (compile + provided, incl. Spark). */
    public static List<Path> sparkJobsClasspath() {
        Path file = existing(root().resolve("spark-jobs/target/classpath.txt"));
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return Arrays.stream(text.split(File.pathSeparator))
                    .filter(s -> !s.isBlank())
                    .map(Path::of)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line of spark-submit (Spark's SparkSubmit class from the jobs' classpath) on local[2]. */
    public static List<String> sparkSubmit(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvmArgs());
        cmd.addAll(List.of(
                "-Xmx2g",
                "-cp",
                String.join(
                        File.pathSeparator,
                        sparkJobsClasspath().stream().map(Path::toString).toList()),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                "local[2]",
                "--properties-file",
                root().resolve("conf/spark-defaults.conf").toString(),
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--class",
                mainClass,
                sparkJobsJar().toString()));
        cmd.addAll(args);
        return cmd;
    }

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " does not exist: integration tests need the package phase's outputs"
                    + " (run them with mvn verify)");
        }
        return p;
    }
}
