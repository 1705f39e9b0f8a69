package dev.hearth.store.hadoop;

import dev.hearth.store.CheckpointStore;
import dev.hearth.store.DecryptionException;
import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.crypto.DataKey;
import dev.hearth.store.crypto.DecryptingInputStream;
import dev.hearth.store.crypto.TamperedChunkException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@link CheckpointStore} beside the models: {@code <root>/<name>/_checkpoints/<run>/epoch-<n>/} holding the files
 * and a {@code _COMPLETE} marker. An epoch is written under a temporary name and renamed into place, so readers
 * see whole checkpoints only. {@code gc} treats {@code _checkpoints} as staging. When the model's versions are
 * encrypted ({@code store.encryption.key.name}), so are its checkpoints: each epoch gets a fresh data key, wrapped in
 * {@code _KEY.json}, and its files are sealed as {@code <file>.enc} in the store's chunked format.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    static final String CHECKPOINTS = "_checkpoints";
    private static final String COMPLETE = "_COMPLETE";
    private static final String EPOCH = "epoch-";
    private static final String KEY = "_KEY.json";

    private final FileSystem fs;
    private final Path root;
    private final StoreCrypto crypto;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper = new dev.hearth.store.MetadataJson().mapper();

    public HadoopCheckpointStore(String root, Configuration conf) {
        HadoopModelStore store = HadoopModelStore.open(root, conf);
        Path p = store.rootPath();
        this.crypto = store.crypto();
        try {
            FileSystem any = p.getFileSystem(conf);
            this.fs = any instanceof LocalFileSystem ? NioLocalFileSystem.open(conf) : any;
        } catch (IOException e) {
            throw new ModelStoreException("cannot open checkpoints at " + root + ": " + e.getMessage(), e);
        }
        this.root = p;
    }

    @Override
    public void save(String model, String run, int epoch, Map<String, ModelDraft.FileWriter> files) {
        Path runDir = runDir(model, run);
        Path tmp = new Path(runDir, "_tmp-" + UUID.randomUUID());
        Path target = new Path(runDir, EPOCH + epoch);
        try {
            fs.mkdirs(tmp);
            DataKey key = crypto.newDataKey(model);
            for (Map.Entry<String, ModelDraft.FileWriter> f : files.entrySet()) {
                if (key != null) {
                    Publisher.writeHashed(
                            fs,
                            crypto,
                            new Path(tmp, f.getKey() + StoreCrypto.SUFFIX),
                            f.getValue(),
                            key,
                            f.getKey(),
                            true);
                    continue;
                }
                try (FSDataOutputStream out = fs.create(new Path(tmp, f.getKey()), true)) {
                    f.getValue().writeTo(new CloseShieldOutputStream(out));
                    out.hsync();
                }
            }
            if (key != null) {
                try (FSDataOutputStream out = fs.create(new Path(tmp, KEY), true)) {
                    out.write(mapper.writeValueAsBytes(key.info()));
                    out.hsync();
                }
            }
            fs.create(new Path(tmp, COMPLETE), true).close();
            fs.delete(target, true);
            if (!fs.rename(tmp, target)) {
                throw new ModelStoreException("cannot commit checkpoint " + target);
            }
            for (FileStatus st : fs.listStatus(runDir)) {
                String n = st.getPath().getName();
                if (n.startsWith(EPOCH) && epochOf(n) < epoch) {
                    fs.delete(st.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new ModelStoreException(
                    "cannot save checkpoint of " + model + " epoch " + epoch + ": " + e.getMessage(), e);
        } finally {
            try {
                fs.delete(tmp, true);
            } catch (IOException ignored) {
                // best effort: gc removes leftovers
            }
        }
    }

    @Override
    public Optional<Checkpoint> latest(String model) {
        Path dir = new Path(new Path(root, ModelNames.validate("model name", model)), CHECKPOINTS);
        try {
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            FileStatus[] runs = fs.listStatus(dir);
            java.util.Arrays.sort(
                    runs,
                    Comparator.comparingLong(FileStatus::getModificationTime).reversed());
            for (FileStatus run : runs) {
                Optional<Checkpoint> c = latestOfRun(run.getPath());
                if (c.isPresent()) {
                    return c;
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new ModelStoreException("cannot list checkpoints of " + model + ": " + e.getMessage(), e);
        }
    }

    private Optional<Checkpoint> latestOfRun(Path runDir) throws IOException {
        int best = -1;
        for (FileStatus st : fs.listStatus(runDir)) {
            String n = st.getPath().getName();
            if (n.startsWith(EPOCH) && fs.exists(new Path(st.getPath(), COMPLETE))) {
                best = Math.max(best, epochOf(n));
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        Path epochDir = new Path(runDir, EPOCH + best);
        String run = runDir.getName();
        int epoch = best;
        return Optional.of(new Checkpoint() {
            @Override
            public String run() {
                return run;
            }

            @Override
            public int epoch() {
                return epoch;
            }

            @Override
            public byte[] read(String file) {
                try (InputStream in = open(epochDir, file)) {
                    return in.readAllBytes();
                } catch (TamperedChunkException e) {
                    throw new DecryptionException(
                            new Path(epochDir, file + StoreCrypto.SUFFIX).toString(), e.getMessage());
                } catch (java.io.FileNotFoundException e) {
                    throw new ModelNotFoundException("checkpoint " + epochDir + " has no file " + file);
                } catch (IOException e) {
                    throw new ModelStoreException("cannot read " + file + " of " + epochDir + ": " + e.getMessage(), e);
                }
            }
        });
    }

    /** The plaintext of a checkpoint file: decrypted when the epoch has a wrapped key. */
    private InputStream open(Path epochDir, String file) throws IOException {
        Path keyFile = new Path(epochDir, KEY);
        if (!fs.exists(keyFile)) {
            return fs.open(new Path(epochDir, file));
        }
        EncryptionInfo info;
        try (InputStream in = fs.open(keyFile)) {
            info = mapper.readValue(in, EncryptionInfo.class);
        }
        SecretKey key = crypto.unwrap(info, "checkpoint " + epochDir);
        return new DecryptingInputStream(fs.open(new Path(epochDir, file + StoreCrypto.SUFFIX)), key, file);
    }

    @Override
    public void delete(String model, String run) {
        try {
            fs.delete(runDir(model, run), true);
        } catch (IOException e) {
            throw new ModelStoreException(
                    "cannot delete checkpoints of " + model + " run " + run + ": " + e.getMessage(), e);
        }
    }

    private Path runDir(String model, String run) {
        ModelNames.validate("model name", model);
        ModelNames.validate("checkpoint run id", run);
        return new Path(new Path(new Path(root, model), CHECKPOINTS), run);
    }

    private static int epochOf(String dirName) {
        try {
            return Integer.parseInt(dirName.substring(EPOCH.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
