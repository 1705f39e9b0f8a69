package dev.hearth.store.hadoop;

import dev.hearth.store.Lease;
import dev.hearth.store.ModelNotFoundException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes committed versions without losing one that an alias or a lease took while the removal ran, and puts
 * back versions whose removal was interrupted while an alias or lease still names them.
 *
 * <p>The marker of {@code versions/<n>/} has three names, each reached by an atomic rename ({@link AtomicRename}):
 * {@code _COMMITTED} (the version exists), {@code _HIDDEN} (a removal is re-checking it; readers and alias moves
 * treat it as absent) and {@code _DELETING} (the removal decided; the directory is going away).
 *
 * <ol>
 *   <li><b>Hide</b>: {@code _COMMITTED} to {@code _HIDDEN}. From here no reader and no alias move accepts the
 *       version; an alias move that wrote its entry meanwhile sees the marker gone and reverts itself (see
 *       {@link HadoopModelStore}).
 *   <li><b>Re-check</b> aliases and leases.
 *   <li><b>Claim</b> ({@code _HIDDEN} to {@code _DELETING}) and delete the directory when nothing protects the
 *       version; otherwise, and on any exception or {@code Error} before the claim, <b>restore</b>
 *       ({@code _HIDDEN} to {@code _COMMITTED}, in {@code finally}).
 * </ol>
 *
 * <p><b>Interrupted removals</b> (kill -9 between hide and restore) leave {@code _HIDDEN}. The rule: whoever next
 * lists, resolves, aliases or garbage-collects the version ({@link #recover}) restores it when an alias points to
 * it or an unexpired lease holds it, exactly what the removal would have done; otherwise it stays hidden, and gc
 * finishes the removal once the directory is older than the grace period. Restoring and claiming both rename
 * {@code _HIDDEN}, so of a removal, a restorer and gc exactly one wins: a version is never restored after a
 * removal decided to delete it, nor deleted after someone restored it.
 */
final class VersionRemover {
    private static final Logger LOG = LoggerFactory.getLogger(VersionRemover.class);

    private final StoreLayout layout;
    private final AliasLog aliases;
    private final LeaseFiles leases;
    private final AtomicRename renames;

    VersionRemover(StoreLayout layout, AliasLog aliases, LeaseFiles leases, AtomicRename renames) {
        this.layout = layout;
        this.aliases = aliases;
        this.leases = leases;
        this.renames = renames;
    }

    /** Why {@code name/version} must stay (an alias points to it or a lease holds it), or null; reads both now. */
    String protection(String name, int version) throws IOException {
        return protection(version, aliases.current(name).values(), leases.active(name, Instant.now()));
    }

    /** Why {@code version} must stay, given the versions aliases point to and the unexpired leases; or null. */
    static String protection(int version, Collection<Integer> aliased, List<Lease> active) {
        if (aliased.contains(version)) {
            return "kept: an alias points to it";
        }
        for (Lease l : active) {
            if (l.version() == version) {
                return "kept: leased by " + l.holder() + " until " + l.expiresAt();
            }
        }
        return null;
    }

    /**
     * Hides the version, checks {@link #protection} again and deletes the directory.
     *
     * @return null when the version was removed, else why it was kept (its marker restored)
     * @throws ModelNotFoundException when the version is not committed (any more): another removal got it first
     */
    String remove(String name, int version) throws IOException {
        Path dir = layout.version(name, version);
        try {
            renames.noReplace(marker(name, version, StoreLayout.COMMITTED), marker(name, version, StoreLayout.HIDDEN));
        } catch (FileNotFoundException e) {
            throw new ModelNotFoundException("model " + name + "/" + version
                    + " is not committed any more (another process is removing it or removed it)");
        }
        boolean claimed = false;
        Throwable failure = null;
        try {
            String protection = protection(name, version);
            if (protection != null) {
                return protection;
            }
            claimed = claim(name, version);
            if (!claimed) {
                if (layout.isCommitted(name, version)) {
                    return "kept: another process restored it while it was hidden";
                }
                throw new ModelNotFoundException("model " + name + "/" + version
                        + " was removed by another process while this removal re-checked it");
            }
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            if (!claimed) {
                restoreAfter(name, version, failure);
            }
        }
        layout.fs().delete(dir, true);
        return null;
    }

    /**
     * Puts back a version an interrupted removal left hidden, when an alias points to it or an unexpired lease
     * holds it (see the class comment).
     *
     * @return whether the version is committed now
     */
    boolean recover(String name, int version) throws IOException {
        if (layout.isCommitted(name, version)) {
            return true;
        }
        if (!layout.fs().exists(marker(name, version, StoreLayout.HIDDEN))) {
            return false;
        }
        String protection = protection(name, version);
        if (protection == null) {
            return false;
        }
        if (restore(name, version)) {
            LOG.warn("Restored {}/{}, hidden by a removal that did not finish: {}", name, version, protection);
        }
        return layout.isCommitted(name, version);
    }

    /** Whether {@code versions/<n>} carries {@code _HIDDEN} (hidden by a removal, running or interrupted). */
    boolean isHidden(String name, int version) throws IOException {
        return layout.fs().exists(marker(name, version, StoreLayout.HIDDEN));
    }

    /**
     * Finishes an interrupted removal (gc, after the grace period): claims the hidden version unless something
     * protects it now, then deletes it.
     *
     * @return null when removed, else why it was kept or left
     */
    String finishRemoval(String name, int version) throws IOException {
        String protection = protection(name, version);
        if (protection != null) {
            recover(name, version);
            return protection + " (restored)";
        }
        if (!claim(name, version)) {
            return "kept: restored or removed by another process meanwhile";
        }
        layout.fs().delete(layout.version(name, version), true);
        return null;
    }

    /** {@code _HIDDEN} to {@code _DELETING}; false when another process renamed {@code _HIDDEN} first. */
    private boolean claim(String name, int version) throws IOException {
        try {
            renames.noReplace(marker(name, version, StoreLayout.HIDDEN), marker(name, version, StoreLayout.DELETING));
            return true;
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** {@code _HIDDEN} to {@code _COMMITTED}; false when another process renamed {@code _HIDDEN} first. */
    private boolean restore(String name, int version) throws IOException {
        try {
            renames.noReplace(marker(name, version, StoreLayout.HIDDEN), marker(name, version, StoreLayout.COMMITTED));
            return true;
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** Restores in {@code finally}: a failure to restore never hides the failure that got us here. */
    private void restoreAfter(String name, int version, Throwable failure) throws IOException {
        try {
            restore(name, version);
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
            LOG.error(
                    "Could not restore the marker of {}/{} after {}; the next list, resolve or gc restores it "
                            + "if an alias or lease names it",
                    name,
                    version,
                    failure.toString(),
                    e);
        }
    }

    private Path marker(String name, int version, String marker) {
        return new Path(layout.version(name, version), marker);
    }
}
