package dev.hearth.store.hadoop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop {@link Configuration} of the processes Hadoop does not launch itself (server, store CLI, notebooks):
 * Hadoop's defaults and the {@code core-site.xml}/{@code hdfs-site.xml} found on the class path, then those in
 * {@code $HADOOP_CONF_DIR}, as {@code hadoop} and {@code spark-submit} read them. S3A endpoints, path style and
 * credential providers ({@code fs.s3a.*}) come from there; secrets are never copied anywhere else.
 */
public final class HadoopConfigurations {
    /** The environment variable naming the directory of {@code core-site.xml}. */
    public static final String CONF_DIR_ENV = "HADOOP_CONF_DIR";

    private HadoopConfigurations() {}

    /** The configuration for this process's environment. */
    public static Configuration load() {
        return load(System.getenv());
    }

    /** The configuration for {@code env} (tests pass their own). */
    public static Configuration load(Map<String, String> env) {
        Configuration conf = new Configuration();
        String dir = env.get(CONF_DIR_ENV);
        if (dir != null && !dir.isBlank()) {
            for (String file : new String[] {"core-site.xml", "hdfs-site.xml"}) {
                Path p = Path.of(dir, file);
                if (Files.isRegularFile(p)) {
                    conf.addResource(new org.apache.hadoop.fs.Path(p.toUri()));
                }
            }
        }
        return conf;
    }
}
