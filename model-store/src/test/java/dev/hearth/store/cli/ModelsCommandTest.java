package dev.hearth.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelsCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void publish() {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        Signature sig = new Signature(null, null, 3, List.of(), List.of("a", "b"), null);
        for (double acc : new double[] {0.81, 0.93}) {
            store.publish("digits", new ModelDraft("f", sig, Map.of("accuracy", acc), Map.of(), Map.of(), Map.of(),
                    Map.of("model.zip", o -> o.write("m".getBytes(StandardCharsets.UTF_8)))));
        }
    }

    private int run(String... args) {
        CommandLine cl = ModelsCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = dir.toString();
        return cl.execute(all);
    }

    @Test
    void listsModelsAndVersionsAsTables() {
        assertThat(run("list")).isZero();
        assertThat(out.toString()).contains("digits").containsPattern("digits\\s+2\\s+2");
        assertThat(run("versions", "digits")).isZero();
        assertThat(out.toString()).containsPattern("1\\s+\\S+\\s+0\\.8100").containsPattern("2\\s+\\S+\\s+0\\.9300");
    }

    @Test
    void showPrintsJsonMetadata() {
        assertThat(run("show", "digits/1", "--json")).isZero();
        assertThat(out.toString()).contains("\"formatVersion\" : 1").contains("\"accuracy\" : 0.81");
    }

    @Test
    void exitCodesForNotFoundAndUsage() {
        assertThat(run("show", "ghost")).isEqualTo(ModelsCommand.NOT_FOUND);
        assertThat(err.toString()).contains("error: model 'ghost' has no committed version");
        assertThat(run("show", "Bad/x")).isEqualTo(ModelsCommand.USAGE);
        assertThat(run("versions")).isEqualTo(ModelsCommand.USAGE);
    }
}
