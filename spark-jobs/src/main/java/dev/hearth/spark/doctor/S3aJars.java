package dev.hearth.spark.doctor;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.util.VersionInfo;

/**
 * What the doctor tells a user whose executors cannot load S3A: the jobs jar leaves {@code hadoop-aws} and its AWS
 * SDK bundle to the cluster ({@code provided}), so on a cluster that lacks them they must travel with the job. The
 * advice names the two jars, matched to the driver's Hadoop version, and where the driver found them (bin/hearth's
 * class path has both), so the fix can be pasted as is.
 */
final class S3aJars {
    static final String S3A_CLASS = "org.apache.hadoop.fs.s3a.S3AFileSystem";
    static final String SDK_CLASS = "com.amazonaws.services.s3.AmazonS3";

    private final ClassLoader loader;

    S3aJars(ClassLoader loader) {
        this.loader = loader;
    }

    /** True when {@code error} (a probe's "error: ..." text) says S3A or its SDK is not on the class path. */
    static boolean missing(String error) {
        return error.contains(S3A_CLASS.replace('.', '/'))
                || error.contains(S3A_CLASS + " not found")
                || error.contains("com/amazonaws/")
                || error.contains("com.amazonaws.");
    }

    /** The failed check's detail: which classes are missing in the executor. */
    static String detail(String error) {
        return "S3A is not on this executor's class path (hadoop-aws and its AWS SDK bundle are provided by the "
                + "cluster, not the jobs jar): " + error;
    }

    /** The fix: the {@code --jars} to add, with the driver's copies when it has them. */
    String fix() {
        List<String> found = new ArrayList<>();
        jarOf(S3A_CLASS).ifPresent(found::add);
        jarOf(SDK_CLASS).ifPresent(found::add);
        String names = "hadoop-aws-" + VersionInfo.getVersion() + ".jar and its aws-java-sdk-bundle";
        String jars = found.size() == 2
                ? String.join(",", found)
                : "<dir>/hadoop-aws-" + VersionInfo.getVersion() + ".jar,<dir>/aws-java-sdk-bundle-<version>.jar";
        return "add " + names + " to the job: bin/hearth doctor|train ... --master yarn --jars " + jars
                + " (spark-submit --jars, or spark.jars in conf/spark-defaults.conf; or stage them with "
                + "spark.yarn.jars), and set fs.s3a.endpoint/region/credentials as spark.hadoop.fs.s3a.*";
    }

    /** The local jar file that holds {@code className} for this driver, if it is a jar on this machine. */
    Optional<String> jarOf(String className) {
        try {
            CodeSource source = Class.forName(className, false, loader)
                    .getProtectionDomain()
                    .getCodeSource();
            if (source == null
                    || source.getLocation() == null
                    || !"file".equals(source.getLocation().getProtocol())) {
                return Optional.empty();
            }
            Path jar = Path.of(source.getLocation().toURI());
            return jar.toString().endsWith(".jar") ? Optional.of(jar.toString()) : Optional.empty();
        } catch (ClassNotFoundException | LinkageError | URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
