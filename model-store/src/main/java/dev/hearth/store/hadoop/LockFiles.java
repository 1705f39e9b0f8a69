package dev.hearth.store.hadoop;

import dev.hearth.store.LockHeldException;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelNames;
import dev.hearth.store.StoreLock;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Store locks as {@code <name>/locks/<purpose>/<seq>.json}, created with {@link ExclusiveCreator}. The head (highest
 * seq) is the lock; it is free when absent or expired. Taking over an expired lock creates {@code head + 1}, so of
 * several processes breaking the same stale lock exactly one wins, and a holder whose lock expired and was taken
 * over can never delete its successor's file on release (it only deletes its own seq, and only with its token).
 */
final class LockFiles {
    static final String LOCKS = "locks";

    private final StoreLayout layout;
    private final ExclusiveCreator exclusive;
    private final JsonFiles json;

    LockFiles(StoreLayout layout, ExclusiveCreator exclusive, JsonFiles json) {
        this.layout = layout;
        this.exclusive = exclusive;
        this.json = json;
    }

    StoreLock acquire(String name, String purpose, String holder, Duration ttl) throws IOException {
        ModelNames.validate("lock purpose", purpose);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lock ttl must be > 0 but was " + ttl);
        }
        Instant now = Instant.now();
        List<Long> seqs = seqs(name, purpose);
        long head = seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
        if (head > 0) {
            StoreLock current = read(name, purpose, head);
            if (current == null || (current.activeAt(now) && !holderDiedHere(current))) {
                throw held(name, purpose, current);
            }
        }
        StoreLock lock = new StoreLock(
                name,
                purpose,
                head + 1,
                UUID.randomUUID().toString(),
                holder,
                host(),
                ProcessHandle.current().pid(),
                now.toString(),
                now.plus(ttl).toString());
        if (!exclusive.create(file(name, purpose, head + 1), json.bytes(lock))) {
            throw held(name, purpose, read(name, purpose, head + 1));
        }
        // Expired predecessors are history now; keep the directory small.
        for (long s : seqs) {
            layout.fs().delete(file(name, purpose, s), false);
        }
        return lock;
    }

    void release(StoreLock lock) throws IOException {
        StoreLock stored = read(lock.model(), lock.purpose(), lock.seq());
        if (stored != null && stored.token().equals(lock.token())) {
            layout.fs().delete(file(lock.model(), lock.purpose(), lock.seq()), false);
        }
    }

    /** The current lock, expired or not; null when there is none. */
    StoreLock current(String name, String purpose) throws IOException {
        ModelNames.validate("lock purpose", purpose);
        List<Long> seqs = seqs(name, purpose);
        return seqs.isEmpty() ? null : read(name, purpose, seqs.get(seqs.size() - 1));
    }

    private LockHeldException held(String name, String purpose, StoreLock current) {
        return new LockHeldException(
                "lock '" + purpose + "' of model '" + name + "' is "
                        + (current == null ? "being taken by another process" : current.describe()),
                current);
    }

    private StoreLock read(String name, String purpose, long seq) throws IOException {
        try {
            return json.read(file(name, purpose, seq), StoreLock.class);
        } catch (FileNotFoundException e) {
            return null;
        } catch (ModelFormatException e) {
            // Unreadable means written by a newer format or damaged: never treat it as free.
            return new StoreLock(
                    name,
                    purpose,
                    seq,
                    "",
                    "unreadable lock file",
                    "unknown",
                    -1,
                    Instant.EPOCH.toString(),
                    Instant.MAX.toString());
        }
    }

    private List<Long> seqs(String name, String purpose) throws IOException {
        List<Long> out = new ArrayList<>();
        for (FileStatus st : layout.children(dir(name, purpose))) {
            String f = st.getPath().getName();
            if (f.endsWith(".json") && !f.startsWith(ExclusiveCreator.TMP_PREFIX)) {
                Integer n = StoreLayout.parseNumber(f.substring(0, f.length() - ".json".length()));
                if (n != null) {
                    out.add((long) n);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private Path dir(String name, String purpose) {
        return new Path(layout.dir(name, LOCKS), purpose);
    }

    private Path file(String name, String purpose, long seq) {
        return new Path(dir(name, purpose), seq + ".json");
    }

    /**
     * Whether the holder ran on this host and its process is gone (killed or crashed): such a lock can be taken over
     * at once instead of after its TTL. Only a process on the same host can know this.
     */
    private static boolean holderDiedHere(StoreLock lock) {
        return lock.pid() > 0
                && host().equals(lock.host())
                && ProcessHandle.of(lock.pid()).isEmpty();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
