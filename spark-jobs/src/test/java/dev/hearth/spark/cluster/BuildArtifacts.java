package dev.hearth.spark.cluster;

import dev.hearth.spark.LocalSpark;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The spark-jobs build outputs the cluster ITs run against: the shaded spark-submit jar, the dependency classpath
 * (compile + provided, incl. Spark) written at {@code package}, and the project's JVM options file. Failsafe runs
 * after {@code package}, so all of them exist.
 */
final class BuildArtifacts {
    private BuildArtifacts() {}

    /** {@code spark-jobs/target/hearth-spark-jobs.jar}: DL4J, ND4J and Hearth; Spark and Hadoop left out. */
    static Path jobsJar() {
        return existing(moduleTarget().resolve("hearth-spark-jobs.jar"));
    }

    /** The entries of {@code spark-jobs/target/classpath.txt}. */
    static List<Path> dependencyClasspath() {
        Path file = existing(moduleTarget().resolve("classpath.txt"));
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return Arrays.stream(text.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code conf/jvm17.args}: the {@code --add-opens} list Spark needs on Java 17. */
    static Path jvmArgsFile() {
        return existing(LocalSpark.projectRoot().resolve("conf/jvm17.args"));
    }

    private static Path moduleTarget() {
        return LocalSpark.projectRoot().resolve("spark-jobs/target");
    }

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " does not exist: cluster ITs need the package phase's outputs"
                    + " (run them with mvn verify)");
        }
        return p;
    }
}
