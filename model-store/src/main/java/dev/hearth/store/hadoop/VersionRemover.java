package dev.hearth.store.hadoop;

import dev.hearth.store.Lease;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/**
 * Removes committed versions without losing one that an alias or a lease took while the removal ran.
 *
 * <p>A removal hides the version first (deletes its commit marker, after which no reader and no alias move
 * accepts it), then checks aliases and leases again, and only then deletes the directory; when an alias or lease
 * appeared, the marker is put back with the same bytes and the version stays. An alias move checks the marker
 * after writing (see {@link HadoopModelStore}) and reverts itself when the version was hidden. Between the two
 * checks every interleaving ends either with the version kept or with no alias pointing to it.
 */
final class VersionRemover {
    private final StoreLayout layout;
    private final AliasLog aliases;
    private final LeaseFiles leases;

    VersionRemover(StoreLayout layout, AliasLog aliases, LeaseFiles leases) {
        this.layout = layout;
        this.aliases = aliases;
        this.leases = leases;
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
     */
    String remove(String name, int version) throws IOException {
        Path dir = layout.version(name, version);
        Path marker = new Path(dir, StoreLayout.COMMITTED);
        byte[] bytes;
        try (InputStream in = layout.fs().open(marker)) {
            bytes = in.readAllBytes();
        }
        layout.fs().delete(marker, false);
        String protection = protection(name, version);
        if (protection != null) {
            try (FSDataOutputStream out = layout.fs().create(marker, false)) {
                out.write(bytes);
                out.hsync();
            }
            return protection;
        }
        layout.fs().delete(dir, true);
        return null;
    }
}
