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
            store.publish(
                    "digits",
                    new ModelDraft(
                            "f",
                            sig,
                            Map.of("accuracy", acc),
                            Map.of(),
                            Map.of(),
                            Map.of(),
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

    @Test
    void aliasSetCasConflictRollbackAndHistory() {
        assertThat(run("alias", "set", "digits", "production", "1", "--expect", "none", "--reason", "first"))
                .isZero();
        assertThat(out.toString()).contains("alias-set digits@production: - -> 1");
        assertThat(run("alias", "set", "digits", "production", "2", "--expect", "none"))
                .isEqualTo(ModelsCommand.CONFLICT);
        assertThat(err.toString())
                .contains("error: alias 'production' of model 'digits' points to version 1, "
                        + "not the expected nothing (no alias)");
        assertThat(run("alias", "set", "digits", "production", "2")).isZero();
        assertThat(run("show", "digits@production", "--json")).isZero();
        assertThat(out.toString()).contains("\"accuracy\" : 0.93");
        assertThat(run("rollback", "digits", "production", "--reason", "regression"))
                .isZero();
        assertThat(out.toString()).contains("rollback digits@production: 2 -> 1");
        assertThat(run("alias", "history", "digits", "production")).isZero();
        assertThat(out.toString())
                .containsPattern("alias-set\\s+production\\s+-\\s+1 .*first")
                .containsPattern("rollback\\s+production\\s+2\\s+1 .*regression");
        assertThat(run("list")).isZero();
        assertThat(out.toString()).containsPattern("digits\\s+2\\s+2\\s+production=1");
        assertThat(run("alias", "set", "digits", "production", "2", "--expect", "x"))
                .isEqualTo(ModelsCommand.USAGE);
        assertThat(run("alias", "set", "digits", "production", "9")).isEqualTo(ModelsCommand.NOT_FOUND);
        assertThat(run("alias", "history", "digits", "staging")).isEqualTo(ModelsCommand.NOT_FOUND);
        assertThat(run("alias", "rm", "digits", "production")).isZero();
        assertThat(run("alias", "list", "digits", "--json")).isZero();
        assertThat(out.toString()).endsWith("{ }\n");
    }

    @Test
    void deleteRefusesAliasedVersionAndAuditRecordsIt() {
        assertThat(run("alias", "set", "digits", "production", "2")).isZero();
        assertThat(run("delete", "digits/2")).isEqualTo(ModelsCommand.CONFLICT);
        assertThat(err.toString()).contains("alias(es) [production] point to it");
        assertThat(run("delete", "digits")).isEqualTo(ModelsCommand.USAGE);
        assertThat(run("delete", "digits/1", "--reason", "obsolete")).isZero();
        assertThat(run("audit", "digits")).isZero();
        assertThat(out.toString()).containsPattern("delete\\s+-\\s+1\\s+-\\s+.*obsolete");
        assertThat(run("show", "digits/1")).isEqualTo(ModelsCommand.NOT_FOUND);
    }

    @Test
    void diffShowsChangedMetrics() {
        assertThat(run("diff", "digits/1", "digits/2")).isZero();
        assertThat(out.toString()).containsPattern("metrics\\s+accuracy\\s+0\\.81\\s+0\\.93");
    }

    @Test
    void gcIsADryRunUnlessApplied() {
        assertThat(run("gc", "--keep-last", "1", "--keep-days", "0")).isZero();
        assertThat(out.toString()).contains("dry run").contains("would delete").contains("/digits/versions/1");
        assertThat(run("versions", "digits")).isZero();
        assertThat(out.toString()).containsPattern("\\n1\\s+");
        assertThat(run("gc", "--keep-last", "1", "--keep-days", "0", "--apply")).isZero();
        assertThat(out.toString()).contains("deleted ");
        assertThat(run("show", "digits/1")).isEqualTo(ModelsCommand.NOT_FOUND);
        assertThat(run("gc", "--keep-last", "0")).isEqualTo(ModelsCommand.USAGE);
    }

    @Test
    void verifyReportsCorruptionWithExitCodeFour() throws Exception {
        assertThat(run("verify")).isZero();
        assertThat(out.toString()).contains("OK     digits/1").contains("2 of 2 versions verified");
        Path file = dir.resolve("digits/versions/2/model.zip");
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[0] ^= 1;
        java.nio.file.Files.write(file, bytes);
        assertThat(run("verify", "digits")).isEqualTo(ModelsCommand.INTEGRITY);
        assertThat(out.toString())
                .contains("FAILED digits/2: integrity check failed for ")
                .contains("1 of 2 versions verified");
        assertThat(run("verify", "digits/1", "--json")).isZero();
    }
}
