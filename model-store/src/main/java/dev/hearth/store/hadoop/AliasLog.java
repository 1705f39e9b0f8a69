package dev.hearth.store.hadoop;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.VersionConflictException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Aliases as append-only logs: {@code <name>/aliases/<alias>/<seq>.json}, each entry an immutable
 * {@link AuditEvent} created exclusively; the entry with the highest sequence number is the alias's current
 * target. A move reads the head, checks the expected target, and creates the next entry exclusively: of two
 * writers starting from the same head exactly one wins (compare-and-swap without a server).
 */
final class AliasLog {
    private static final String ENTRY = "%010d.json";

    private final StoreLayout layout;
    private final ExclusiveCreator exclusive;
    private final JsonFiles json;

    AliasLog(StoreLayout layout, ExclusiveCreator exclusive, JsonFiles json) {
        this.layout = layout;
        this.exclusive = exclusive;
        this.json = json;
    }

    /** The head entry of an alias and its sequence number; {@code event} null and seq 0 when never set. */
    record Head(long seq, AuditEvent event) {
        Integer target() {
            return event == null ? null : event.to();
        }
    }

    Head head(String name, String alias) throws IOException {
        long best = 0;
        for (FileStatus st : layout.children(dir(name, alias))) {
            Long seq = parseSeq(st.getPath().getName());
            if (seq != null) {
                best = Math.max(best, seq);
            }
        }
        return best == 0 ? new Head(0, null) : new Head(best, json.read(entry(name, alias, best), AuditEvent.class));
    }

    /**
     * Appends a move from {@code expected} to {@code to} (null removes the alias).
     *
     * @throws VersionConflictException when the head's target is not {@code expected} or another writer
     *     appended first
     */
    AuditEvent move(String name, String alias, Integer to, Integer expected, String action, String reason)
            throws IOException {
        return move(name, alias, to, expected, action, reason, StoreLayout.who());
    }

    /** {@link #move} recorded as done by {@code who}. */
    AuditEvent move(String name, String alias, Integer to, Integer expected, String action, String reason, String who)
            throws IOException {
        Head head = head(name, alias);
        if (!Objects.equals(head.target(), expected)) {
            throw new VersionConflictException("alias '" + alias + "' of model '" + name + "' points to "
                    + describe(head.target()) + ", not the expected " + describe(expected));
        }
        AuditEvent event =
                new AuditEvent(Instant.now().toString(), who, action, name, alias, head.target(), to, reason);
        if (!exclusive.create(entry(name, alias, head.seq() + 1), json.bytes(event))) {
            throw new VersionConflictException("alias '" + alias + "' of model '" + name
                    + "' was moved concurrently: expected " + describe(expected) + " but it now points to "
                    + describe(head(name, alias).target()));
        }
        return event;
    }

    /** Every entry of an alias, oldest first; empty when the alias was never set. */
    List<AuditEvent> history(String name, String alias) throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (FileStatus st : layout.children(dir(name, alias))) {
            Long seq = parseSeq(st.getPath().getName());
            if (seq != null) {
                seqs.add(seq);
            }
        }
        seqs.sort(null);
        List<AuditEvent> out = new ArrayList<>();
        for (long s : seqs) {
            out.add(json.read(entry(name, alias, s), AuditEvent.class));
        }
        return out;
    }

    /** Names of every alias ever set on the model, sorted. */
    List<String> names(String name) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.ALIASES))) {
            if (st.isDirectory() && StoreLayout.isValidName(st.getPath().getName())) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    /** Current targets of the model's existing aliases, sorted by alias. */
    Map<String, Integer> current(String name) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (String alias : names(name)) {
            Integer target = head(name, alias).target();
            if (target != null) {
                out.put(alias, target);
            }
        }
        return out;
    }

    /** The alias's current target; throws when it does not exist. */
    int target(String name, String alias) throws IOException {
        Integer t = head(name, ModelNames.validate("alias", alias)).target();
        if (t == null) {
            throw new ModelNotFoundException("alias '" + alias + "' of model '" + name + "' does not exist");
        }
        return t;
    }

    private Path dir(String name, String alias) {
        return new Path(layout.dir(name, StoreLayout.ALIASES), alias);
    }

    private Path entry(String name, String alias, long seq) {
        return new Path(dir(name, alias), String.format(java.util.Locale.ROOT, ENTRY, seq));
    }

    private static Long parseSeq(String file) {
        if (!file.matches("\\d{10}\\.json")) {
            return null;
        }
        return Long.parseLong(file.substring(0, 10));
    }

    private static String describe(Integer v) {
        return v == null ? "nothing (no alias)" : "version " + v;
    }
}
