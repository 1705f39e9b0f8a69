package dev.hearth.store.hadoop;

import dev.hearth.store.Lease;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelNames;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Serving leases as {@code <name>/leases/<holder>@<version>.json}. The version is in the file name, so a lease
 * being rewritten (renewed) still protects its version; an unreadable lease counts as unexpired.
 */
final class LeaseFiles {
    private final StoreLayout layout;
    private final JsonFiles json;

    LeaseFiles(StoreLayout layout, JsonFiles json) {
        this.layout = layout;
        this.json = json;
    }

    Lease write(String name, String holder, int version, Duration ttl) throws IOException {
        ModelNames.validate("lease holder", holder);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease ttl must be > 0 but was " + ttl);
        }
        Lease lease = new Lease(name, holder, version, Instant.now().plus(ttl).toString());
        try (OutputStream out = layout.fs().create(file(name, holder, version), true)) {
            out.write(json.bytes(lease));
        }
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.LEASES))) {
            String f = st.getPath().getName();
            if (f.startsWith(holder + "@") && !f.equals(file(name, holder, version).getName())) {
                layout.fs().delete(st.getPath(), false);
            }
        }
        return lease;
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
            if (!f.endsWith(".json") || at < 1) {
                continue;
            }
            Integer version = StoreLayout.parseNumber(f.substring(at + 1, f.length() - ".json".length()));
            if (version == null) {
                continue;
            }
            String holder = f.substring(0, at);
            try {
                Lease l = json.read(st.getPath(), Lease.class);
                out.add(new Lease(name, holder, version, l.expiresAt()));
            } catch (ModelFormatException | FileNotFoundException e) {
                out.add(new Lease(name, holder, version, Instant.MAX.toString()));
            }
        }
        return out;
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
