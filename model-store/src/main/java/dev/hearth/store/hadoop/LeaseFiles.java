package dev.hearth.store.hadoop;

import dev.hearth.store.Lease;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelNames;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving leases as {@code <name>/leases/<holder>@<version>.json}. The version is in the file name, so a lease
 * being renewed still protects its version.
 *
 * <p>Written atomically: a temporary {@code _tmp.*} file is written and {@code hsync}ed, then renamed over the
 * lease ({@link AtomicRename#replace}), so a reader sees the old or the new lease, never a truncated one (object
 * stores, {@link CommitMode#MARKER}: one PUT, atomic by itself). A lease protects for at most
 * {@link Lease#MAX_TTL} after its file was last written: a longer {@code expiresAt} is cut there, and a file that
 * cannot be read (damaged, truncated by something else) counts as expiring at its modification time plus
 * {@link Lease#MAX_TTL} instead of pinning its version forever.
 */
final class LeaseFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseFiles.class);

    private final StoreLayout layout;
    private final JsonFiles json;
    private final CommitMode mode;
    private final AtomicRename renames;

    LeaseFiles(StoreLayout layout, JsonFiles json, CommitMode mode, AtomicRename renames) {
        this.layout = layout;
        this.json = json;
        this.mode = mode;
        this.renames = renames;
    }

    Lease write(String name, String holder, int version, Duration ttl) throws IOException {
        ModelNames.validate("lease holder", holder);
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(Lease.MAX_TTL) > 0) {
            throw new IllegalArgumentException(
                    "lease ttl must be > 0 and at most " + Lease.MAX_TTL + " but was " + ttl);
        }
        Lease lease = new Lease(name, holder, version, Instant.now().plus(ttl).toString());
        Path target = file(name, holder, version);
        writeAtomically(target, json.bytes(lease));
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.LEASES))) {
            String f = st.getPath().getName();
            if (f.startsWith(holder + "@") && !f.equals(target.getName())) {
                layout.fs().delete(st.getPath(), false);
            }
        }
        return lease;
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        if (mode == CommitMode.MARKER) {
            try (FSDataOutputStream out = layout.fs().create(target, true)) {
                out.write(bytes);
            }
            return;
        }
        Path tmp =
                new Path(target.getParent(), ExclusiveCreator.TMP_PREFIX + target.getName() + "." + UUID.randomUUID());
        boolean moved = false;
        try {
            try (FSDataOutputStream out = layout.fs().create(tmp, false)) {
                out.write(bytes);
                out.hsync();
            }
            renames.replace(tmp, target);
            moved = true;
        } finally {
            if (!moved) {
                layout.fs().delete(tmp, false);
            }
        }
    }

    void release(String name, String holder) throws IOException {
        ModelNames.validate("lease holder", holder);
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.LEASES))) {
            if (st.getPath().getName().startsWith(holder + "@")) {
                layout.fs().delete(st.getPath(), false);
            }
        }
    }

    List<Lease> list(String name) throws IOException {
        List<Lease> out = new ArrayList<>();
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.LEASES))) {
            String f = st.getPath().getName();
            int at = f.lastIndexOf('@');
            if (!f.endsWith(".json") || at < 1 || f.startsWith(ExclusiveCreator.TMP_PREFIX)) {
                continue;
            }
            Integer version = StoreLayout.parseNumber(f.substring(at + 1, f.length() - ".json".length()));
            if (version == null) {
                continue;
            }
            Instant expires;
            try {
                expires = expiry(st);
            } catch (FileNotFoundException e) {
                continue; // released or superseded between the listing and the read
            }
            out.add(new Lease(name, f.substring(0, at), version, expires.toString()));
        }
        return out;
    }

    /** When the lease in {@code st} stops protecting its version: its expiresAt, at most the written time + max. */
    private Instant expiry(FileStatus st) throws IOException {
        Instant latest = Instant.ofEpochMilli(st.getModificationTime()).plus(Lease.MAX_TTL);
        try {
            String expiresAt = json.read(st.getPath(), Lease.class).expiresAt();
            if (expiresAt == null) {
                throw new ModelFormatException("no expiresAt");
            }
            Instant expires = Instant.parse(expiresAt);
            return expires.isAfter(latest) ? latest : expires;
        } catch (ModelFormatException | DateTimeParseException e) {
            LOG.debug("Unreadable lease {} counts as expiring at {}: {}", st.getPath(), latest, e.getMessage());
            return latest;
        }
    }

    /** Versions held by leases unexpired at {@code now}. */
    List<Lease> active(String name, Instant now) throws IOException {
        List<Lease> out = new ArrayList<>();
        for (Lease l : list(name)) {
            if (l.activeAt(now)) {
                out.add(l);
            }
        }
        return out;
    }

    private Path file(String name, String holder, int version) {
        return new Path(layout.dir(name, StoreLayout.LEASES), holder + "@" + version + ".json");
    }
}
