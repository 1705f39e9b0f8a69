package dev.hearth.store.hadoop;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.Lease;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage collection: leftovers of crashed publishes and interrupted removals (staging directories, version
 * directories without {@code _COMMITTED}, temporary files) older than the grace period, and committed versions
 * the {@link RetentionPolicy} drops. A version directory an alias points to or an unexpired lease holds is never
 * deleted, committed or not: both are read when planning, again right before each deletion, and once more while
 * a committed version is hidden ({@link VersionRemover}). A version an interrupted removal left hidden
 * ({@code _HIDDEN}) is restored when an alias or lease names it, else removed after the grace period. Files a
 * crashed encrypt or rekey left inside a committed version are {@link SealingLeftovers}.
 */
final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final ModelStore store;
    private final StoreLayout layout;
    private final AliasLog aliases;
    private final LeaseFiles leases;
    private final AuditFiles audit;
    private final VersionRemover remover;
    private final SealingLeftovers sealing;
    /** Leftovers of a crashed encrypt or rekey inside committed version directories. */
    private final Set<GcCandidate> versionFiles = new HashSet<>();
    /** Candidates that are uncommitted version directories (not retention candidates). */
    private final Set<GcCandidate> uncommitted = new HashSet<>();

    GarbageCollector(
            ModelStore store,
            StoreLayout layout,
            AliasLog aliases,
            LeaseFiles leases,
            AuditFiles audit,
            VersionRemover remover,
            SealingLeftovers sealing) {
        this.store = store;
        this.sealing = sealing;
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
            // Read once for all versions of the model; each deletion reads them again.
            Set<Integer> aliased = new TreeSet<>(aliases.current(name).values());
            List<Lease> active = leases.active(name, now);
            leftovers(name, policy.grace(), now, aliased, active, candidates, kept);
            for (ModelVersion v : store.listVersions(name)) {
                List<GcCandidate> found = new ArrayList<>();
                sealing.plan(v, policy.grace(), now, found);
                versionFiles.addAll(found);
                candidates.addAll(found);
            }
            retention(name, policy, now, aliased, active, candidates, kept);
        }
        if (apply) {
            for (GcCandidate c : candidates) {
                delete(c);
            }
        }
        return new GcReport(apply, candidates, kept);
    }

    private void leftovers(
            String name,
            Duration grace,
            Instant now,
            Set<Integer> aliased,
            List<Lease> active,
            List<GcCandidate> out,
            List<GcCandidate> kept)
            throws IOException {
        String old = "older than the grace period " + grace;
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.STAGING))) {
            if (olderThan(st.getPath(), grace, now)) {
                out.add(new GcCandidate(name, null, st.getPath().toString(), "abandoned staging directory, " + old));
            }
        }
        for (int n : layout.versionDirs(name)) {
            if (layout.isCommitted(name, n)) {
                continue;
            }
            String dir = layout.version(name, n).toString();
            boolean hidden = remover.isHidden(name, n);
            String protection = VersionRemover.protection(n, aliased, active);
            if (protection != null) {
                // Repairs, never deletes, so it runs in a dry run too (as list and resolve do).
                boolean restored = hidden && remover.recover(name, n);
                kept.add(
                        new GcCandidate(
                                name,
                                n,
                                dir,
                                protection
                                        + (restored
                                                ? "; restored: hidden by a removal that did not finish"
                                                : "; uncommitted (crashed publish or interrupted delete), left for the alias or lease")));
            } else if (olderThan(layout.version(name, n), grace, now)) {
                GcCandidate c = new GcCandidate(
                        name,
                        n,
                        dir,
                        (hidden
                                        ? "hidden by a removal that did not finish, "
                                        : "uncommitted version directory (crashed publish or interrupted delete), ")
                                + old);
                uncommitted.add(c);
                out.add(c);
            }
        }
        List<Path> dirs = new ArrayList<>(List.of(
                layout.dir(name, StoreLayout.IDS),
                layout.dir(name, StoreLayout.AUDIT),
                layout.dir(name, StoreLayout.LEASES)));
        for (String alias : aliases.names(name)) {
            dirs.add(new Path(layout.dir(name, StoreLayout.ALIASES), alias));
        }
        for (FileStatus st : layout.children(layout.dir(name, LockFiles.LOCKS))) {
            if (st.isDirectory()) {
                dirs.add(st.getPath());
            }
        }
        for (Path dir : dirs) {
            for (FileStatus st : layout.children(dir)) {
                // The listing's own time: a temporary file of a create in flight may be gone by the time we ask again.
                if (st.getPath().getName().startsWith(ExclusiveCreator.TMP_PREFIX)
                        && st.getModificationTime() <= now.minus(grace).toEpochMilli()) {
                    out.add(new GcCandidate(name, null, st.getPath().toString(), "abandoned temporary file, " + old));
                }
            }
        }
    }

    private void retention(
            String name,
            RetentionPolicy policy,
            Instant now,
            Set<Integer> aliased,
            List<Lease> active,
            List<GcCandidate> out,
            List<GcCandidate> kept)
            throws IOException {
        List<ModelVersion> versions = store.listVersions(name);
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
                out.add(new GcCandidate(
                        name,
                        v.version(),
                        path,
                        "not among the last " + policy.keepLast() + " versions and older than "
                                + policy.keepYoungerThan()));
            }
        }
    }

    private void delete(GcCandidate c) throws IOException {
        if (versionFiles.contains(c)) {
            String kept = sealing.remove(c);
            if (kept != null) {
                LOG.info("GC keeps {}: {}", c.path(), kept);
            }
            return;
        }
        if (c.version() == null) {
            LOG.info("GC removes {}: {}", c.path(), c.reason());
            layout.fs().delete(new Path(c.path()), true);
            return;
        }
        String protection;
        try {
            protection = uncommitted.contains(c) ? deleteUncommitted(c) : deleteCommitted(c);
        } catch (ModelNotFoundException e) {
            LOG.info("GC skips {}/{}: {}", c.model(), c.version(), e.getMessage());
            return;
        }
        if (protection != null) {
            LOG.info("GC keeps {}/{}: {}", c.model(), c.version(), protection);
        }
    }

    /** @return why it was kept, or null when removed */
    private String deleteCommitted(GcCandidate c) throws IOException {
        // Re-checked right before deleting, and again while the version is hidden (VersionRemover): an alias or a
        // server may have picked the version up meanwhile.
        String protection = remover.protection(c.model(), c.version());
        if (protection == null) {
            protection = remover.remove(c.model(), c.version());
        }
        if (protection == null) {
            LOG.info("GC removed {}/{}: {}", c.model(), c.version(), c.reason());
            audit.record(c.model(), AuditEvent.GC, c.version(), c.reason());
        }
        return protection;
    }

    /** @return why it was kept, or null when removed */
    private String deleteUncommitted(GcCandidate c) throws IOException {
        if (layout.isCommitted(c.model(), c.version())) {
            return "committed since it was planned";
        }
        if (remover.isHidden(c.model(), c.version())) {
            String protection = remover.finishRemoval(c.model(), c.version());
            if (protection == null) {
                LOG.info("GC removed {}/{}: {}", c.model(), c.version(), c.reason());
                audit.record(c.model(), AuditEvent.GC, c.version(), c.reason());
            }
            return protection;
        }
        String protection = remover.protection(c.model(), c.version());
        if (protection == null) {
            LOG.info("GC removes {}: {}", c.path(), c.reason());
            layout.fs().delete(new Path(c.path()), true);
        }
        return protection;
    }

    private boolean olderThan(Path path, Duration grace, Instant now) throws IOException {
        return layout.lastModified(path) <= now.minus(grace).toEpochMilli();
    }
}
