package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/hadoop/core-site.xml lists every store Hadoop key with the default the code uses, each with a comment. */
class StoreHadoopSettingsTest {
    private static final Path ROOT =
            Path.of(System.getProperty("hearth.root", "..")).toAbsolutePath().normalize();
    private static final Path CORE_SITE = ROOT.resolve("conf/hadoop/core-site.xml");

    @TempDir
    Path dir;

    @Test
    void coreSiteTemplateHasEveryKeyWithTheCodesDefaultAndAComment() throws IOException {
        assertThat(fileSettings()).containsExactlyEntriesOf(StoreHadoopSettings.defaults());
        String xml = Files.readString(CORE_SITE);
        for (String key : StoreHadoopSettings.defaults().keySet()) {
            int at = xml.indexOf("<property><name>" + key + "</name>");
            String before = xml.substring(0, at).stripTrailing();
            assertThat(before.substring(before.lastIndexOf('\n') + 1))
                    .as("comment line above " + key)
                    .contains("<!--")
                    .contains("-->");
        }
    }

    @Test
    void everyHearthKeyTheStoreReadsIsInTheTemplate() throws IOException {
        Pattern literal = Pattern.compile("\"(hearth\\.store\\.[a-z.-]+)\"");
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("model-store/src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = literal.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(m.group(1));
                }
            }
        }
        assertThat(found).isNotEmpty();
        assertThat(StoreHadoopSettings.defaults().keySet()).containsAll(found);
    }

    @Test
    void theTemplatesValuesBehaveAsNoSettingAtAll() throws IOException {
        Configuration file = new Configuration(false);
        file.addResource(new org.apache.hadoop.fs.Path(CORE_SITE.toUri()));
        Configuration none = new Configuration(false);
        for (String scheme : new String[] {"file", "hdfs", "s3a"}) {
            assertThat(CommitMode.of(scheme, file)).isEqualTo(CommitMode.of(scheme, none));
        }
        FileSystem local = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
        // probe (not off): on a file system without conditional PUTs the reason names the scheme, not the setting.
        assertThat(ConditionalWriteProbe.choose(local, root, file).describe())
                .isEqualTo(ConditionalWriteProbe.choose(local, root, none).describe())
                .doesNotContain("=off");
        assertThat(file.getBoolean(StoreHadoopSettings.MULTI_PUBLISHER, !StoreHadoopSettings.MULTI_PUBLISHER_DEFAULT))
                .isEqualTo(StoreHadoopSettings.MULTI_PUBLISHER_DEFAULT);
    }

    /** The file's hearth.* properties as written (Hadoop itself drops an empty value: it reads as unset). */
    private static Map<String, String> fileSettings() throws IOException {
        Matcher m = Pattern.compile("<name>(hearth\\.[^<]*)</name>\\s*<value>([^<]*)</value>")
                .matcher(Files.readString(CORE_SITE));
        Map<String, String> found = new LinkedHashMap<>();
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }
}
