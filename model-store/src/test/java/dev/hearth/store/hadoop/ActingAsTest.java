package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit entries written through {@link ModelStore#actingAs} name that actor; the original store keeps its own. */
class ActingAsTest {
    @TempDir
    Path dir;

    private static ModelDraft draft() {
        return new ModelDraft(
                "test", null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of("f.bin", out -> out.write(1)));
    }

    @Test
    void auditEntriesNameTheActor() {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        store.publish("m", draft());
        store.publish("m", draft());
        store.publish("m", draft());
        ModelStore console = store.actingAs("token:abcd (console)");
        AuditEvent set = console.setAlias("m", "production", 1, null, "first");
        AuditEvent moved = console.setAlias("m", "production", 2, 1, "second");
        AuditEvent back = console.rollback("m", "production", "undo");
        AuditEvent tag = console.recordEvent("m", "tag", 2, "reviewed=yes");
        AuditEvent deleted = console.delete("m", 3, "unused");
        AuditEvent own = store.setAlias("m", "staging", 2, null, "by the process");
        assertThat(List.of(set, moved, back, tag, deleted))
                .allMatch(e -> e.who().equals("token:abcd (console)"));
        assertThat(own.who()).doesNotContain("token:").contains("@");
        assertThat(store.auditLog("m")).extracting(AuditEvent::who).containsOnly("token:abcd (console)", own.who());
        assertThat(console.aliases("m")).containsEntry("production", 1).containsEntry("staging", 2);
    }

    @Test
    void actorMustBePrintableAndBounded() {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        assertThatThrownBy(() -> store.actingAs(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor must be 1 to 200 characters");
        assertThatThrownBy(() -> store.actingAs("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.actingAs("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
    }
}
