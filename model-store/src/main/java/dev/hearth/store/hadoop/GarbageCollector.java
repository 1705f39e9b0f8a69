package dev.hearth.store.hadoop;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.Lease;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage collection: leftovers of crashed publishes (staging directories, uncommitted version directories,
 * temporary files) older than the grace period, and committed versions the {@link RetentionPolicy} drops. A
 * version an alias points to or an unexpired lease holds is never deleted; both are read again right before each
 * deletion and once more while the version is hidden ({@link VersionRemover}).
 */
final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final ModelStore store;
    private final StoreLayout layout;
    private final AliasLog aliases;
    private final LeaseFiles leases;
    private final AuditFiles audit;
    private final VersionRemover remover;

    GarbageCollector(ModelStore store, StoreLayout layout, AliasLog aliases, LeaseFiles leases, AuditFiles audit,
            VersionRemover remover) {
        this.store = store;
        this.layout = layout;
        this.aliases = aliases;
        this.leases = leases;
        this.audit = audit;
        this.remover = remover;
    }

    GcReport run(RetentionPolicy policy, boolean apply) throws IOException {
        Instant now = Instant.now();
        List<GcCandidate> candidates = new ArrayList<>();
        List<GcCandidate> kept = new ArrayList<>();
        for (String name : layout.modelDirs()) {
            leftovers(name, policy.grace(), now, candidates);
            retention(name, policy, now, candidates, kept);
        }
        if (apply) {
            for (GcCandidate c : candidates) {
                delete(c);
            }
        }
        return new GcReport(apply, candidates, kept);
    }

    private void leftovers(String name, Duration grace, Instant now, List<GcCandidate> out) throws IOException {
        String old = "older than the grace period " + grace;
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.STAGING))) {
            if (olderThan(st.getPath(), grace, now)) {
                out.add(new GcCandidate(name, null, st.getPath().toString(), "abandoned staging directory, " + old));
            }
        }
        for (int n : layout.versionDirs(name)) {
            Path dir = layout.version(name, n);
            if (!layout.isCommitted(name, n) && olderThan(dir, grace, now)) {
                out.add(new GcCandidate(name, n, dir.toString(),
                        "uncommitted version directory (crashed publish or interrupted delete), " + old));
            }
        }
        List<Path> dirs = new ArrayList<>(List.of(
                layout.dir(name, StoreLayout.IDS), layout.dir(name, StoreLayout.AUDIT)));
        for (String alias : aliases.names(name)) {
            dirs.add(new Path(layout.dir(name, StoreLayout.ALIASES), alias));
        }
        for (Path dir : dirs) {
            for (FileStatus st : layout.children(dir)) {
                if (st.getPath().getName().startsWith(ExclusiveCreator.TMP_PREFIX)
                        && olderThan(st.getPath(), grace, now)) {
                    out.add(new GcCandidate(name, null, st.getPath().toString(), "abandoned temporary file, " + old));
                }
            }
        }
    }

    private void retention(String name, RetentionPolicy policy, Instant now, List<GcCandidate> out,
            List<GcCandidate> kept) throws IOException {
        List<ModelVersion> versions = store.listVersions(name);
        Set<Integer> aliased = new TreeSet<>(aliases.current(name).values());
        List<Lease> active = leases.active(name, now);
        // Read once for all versions of the model; each deletion reads them again (VersionRemover).
        for (int i = 0; i < versions.size() - policy.keepLast(); i++) {
            ModelVersion v = versions.get(i);
            Instant created = Instant.parse(v.metadata().createdAt());
            if (created.isAfter(now.minus(policy.keepYoungerThan()))) {
                continue;
            }
            String path = layout.version(name, v.version()).toString();
            String protection = VersionRemover.protection(v.version(), aliased, active);
            if (protection != null) {
                kept.add(new GcCandidate(name, v.version(), path, protection));
            } else {
                out.add(new GcCandidate(name, v.version(), path, "not among the last " + policy.keepLast()
                        + " versions and older than " + policy.keepYoungerThan()));
            }
        }
    }

    private void delete(GcCandidate c) throws IOException {
        if (c.version() == null || !layout.isCommitted(c.model(), c.version())) {
            LOG.info("GC removes {}: {}", c.path(), c.reason());
            layout.fs().delete(new Path(c.path()), true);
            return;
        }
        // Re-checked right before deleting, and again while the version is hidden (VersionRemover): an alias or a
        // server may have picked the version up meanwhile.
        String protection = remover.protection(c.model(), c.version());
        if (protection == null) {
            protection = remover.remove(c.model(), c.version());
        }
        if (protection != null) {
            LOG.info("GC keeps {}/{}: {}", c.model(), c.version(), protection);
            return;
        }
        LOG.info("GC removed {}/{}: {}", c.model(), c.version(), c.reason());
        audit.record(c.model(), AuditEvent.GC, c.version(), c.reason());
    }

    private boolean olderThan(Path path, Duration grace, Instant now) throws IOException {
        return layout.lastModified(path) <= now.minus(grace).toEpochMilli();
    }
}
