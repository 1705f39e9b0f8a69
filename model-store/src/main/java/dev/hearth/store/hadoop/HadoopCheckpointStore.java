package dev.hearth.store.hadoop;

import dev.hearth.store.CheckpointStore;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@link CheckpointStore} beside the models: {@code <root>/<name>/_checkpoints/<run>/epoch-<n>/} holding the files
 * and a {@code _COMPLETE} marker. An epoch is written under a temporary name and renamed into place, so readers
 * see whole checkpoints only. {@code gc} treats {@code _checkpoints} as staging.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    static final String CHECKPOINTS = "_checkpoints";
    private static final String COMPLETE = "_COMPLETE";
    private static final String EPOCH = "epoch-";

    private final FileSystem fs;
    private final Path root;

    public HadoopCheckpointStore(String root, Configuration conf) {
        Path p = HadoopModelStore.open(root, conf).rootPath();
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
            for (Map.Entry<String, ModelDraft.FileWriter> f : files.entrySet()) {
                try (FSDataOutputStream out = fs.create(new Path(tmp, f.getKey()), true)) {
                    f.getValue().writeTo(new CloseShieldOutputStream(out));
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
            throw new ModelStoreException("cannot save checkpoint of " + model + " epoch " + epoch + ": " + e.getMessage(), e);
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
            java.util.Arrays.sort(runs, Comparator.comparingLong(FileStatus::getModificationTime).reversed());
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
                try (InputStream in = fs.open(new Path(epochDir, file))) {
                    return in.readAllBytes();
                } catch (java.io.FileNotFoundException e) {
                    throw new ModelNotFoundException("checkpoint " + epochDir + " has no file " + file);
                } catch (IOException e) {
                    throw new ModelStoreException("cannot read " + file + " of " + epochDir + ": " + e.getMessage(), e);
                }
            }
        });
    }

    @Override
    public void delete(String model, String run) {
        try {
            fs.delete(runDir(model, run), true);
        } catch (IOException e) {
            throw new ModelStoreException("cannot delete checkpoints of " + model + " run " + run + ": " + e.getMessage(), e);
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
