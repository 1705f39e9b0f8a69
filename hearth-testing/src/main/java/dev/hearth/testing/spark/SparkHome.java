package dev.hearth.testing.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away {@code SPARK_HOME} standing in for a Spark distribution: {@code jars/} holds symbolic links to the
 * build's dependency jars (Spark, Hadoop client, Scala and their libraries), {@code conf/} is empty. The
 * application's own stack (DL4J, ND4J, DataVec, JavaCPP, picocli, Hearth) is left out, as on a real cluster, so
 * executors get it only from the application jar in {@code spark.jars}.
 */
public final class SparkHome {
    private static final Logger LOG = LoggerFactory.getLogger(SparkHome.class);

    /** Maven repository path fragments of the application's own artifacts. */
    private static final List<String> APPLICATION_GROUPS = List.of(
            "/org/deeplearning4j/", "/org/nd4j/", "/org/datavec/", "/org/bytedeco/", "/info/picocli/", "/dev/hearth/");

    private final Path dir;

    private SparkHome(Path dir) {
        this.dir = dir;
    }

    /** Creates the directory layout under {@code dir} from {@code classpath}. */
    public static SparkHome create(Path dir, List<Path> classpath) {
        Path jars = dir.resolve("jars");
        try {
            Files.createDirectories(jars);
            Files.createDirectories(dir.resolve("conf"));
            int linked = 0;
            for (Path entry : classpath) {
                if (!isDistributionJar(entry)) {
                    continue;
                }
                Path link = jars.resolve(entry.getFileName().toString());
                if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    link = jars.resolve(linked + "-" + entry.getFileName());
                }
                Files.createSymbolicLink(link, entry);
                linked++;
            }
            LOG.info("SPARK_HOME {}: {} of {} classpath entries linked into jars/", dir, linked, classpath.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create SPARK_HOME in " + dir, e);
        }
        return new SparkHome(dir);
    }

    private static boolean isDistributionJar(Path entry) {
        String s = entry.toString().replace('\\', '/');
        return s.endsWith(".jar")
                && Files.isRegularFile(entry)
                && APPLICATION_GROUPS.stream().noneMatch(s::contains);
    }

    /** Removes the links in {@code jars/} (never their targets), once no process uses them any more. */
    public void unlinkJars() {
        try (var links = Files.list(dir.resolve("jars"))) {
            for (Path link : links.toList()) {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            LOG.warn("Cannot remove the jar links in {}: {}", dir, e.toString());
        }
    }

    /** The directory to export as {@code SPARK_HOME}. */
    public Path dir() {
        return dir;
    }

    /** A {@code -cp} value as the Spark scripts build it: {@code conf/} and {@code jars/*}. */
    public String classpath() {
        return dir.resolve("conf") + java.io.File.pathSeparator + dir.resolve("jars") + "/*";
    }
}
