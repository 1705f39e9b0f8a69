package dev.hearth.store.hadoop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ShadowSummaries;
import dev.hearth.store.ShadowSummary;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ShadowSummaries} beside the models: {@code <root>/<model>/_rollout/shadow/<replica>.json}, written to a
 * temporary file and renamed over the old one in one step. Files are small (one entry per pair of versions) and
 * are read as untrusted input: a file over 1 MiB, of a newer format or with inconsistent counts is skipped.
 */
public final class HadoopShadowSummaries implements ShadowSummaries {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopShadowSummaries.class);
    static final String DIR = "_rollout";
    private static final long MAX_BYTES = 1 << 20;

    private final FileSystem fs;
    private final Path root;
    private final ObjectMapper mapper = new ObjectMapper();

    public HadoopShadowSummaries(String root, Configuration conf) {
        Path p = HadoopModelStore.open(root, conf).rootPath();
        try {
            FileSystem any = p.getFileSystem(conf);
            this.fs = any instanceof LocalFileSystem ? NioLocalFileSystem.open(conf) : any;
        } catch (IOException e) {
            throw new ModelStoreException("cannot open shadow summaries at " + root + ": " + e.getMessage(), e);
        }
        this.root = p;
    }

    private Path dir(String model) {
        return new Path(new Path(new Path(root, ModelNames.validate("model name", model)), DIR), "shadow");
    }

    @Override
    public void write(ShadowSummary s) {
        Path dir = dir(s.model());
        Path target = new Path(dir, s.replica() + ".json");
        Path tmp = new Path(dir, "_tmp-" + UUID.randomUUID());
        try {
            fs.mkdirs(dir);
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(mapper.writeValueAsBytes(toJson(s)));
                out.hsync();
            }
            new AtomicRename(fs).replace(tmp, target);
        } catch (IOException e) {
            throw new ModelStoreException(
                    "cannot write the shadow summary of " + s.model() + " for replica " + s.replica() + ": "
                            + e.getMessage(),
                    e);
        } finally {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // gone after a successful rename; a leftover is harmless (not a .json name)
            }
        }
    }

    @Override
    public List<ShadowSummary> read(String model) {
        List<ShadowSummary> out = new ArrayList<>();
        FileStatus[] files;
        try {
            files = fs.listStatus(dir(model));
        } catch (FileNotFoundException e) {
            return out;
        } catch (IOException e) {
            throw new ModelStoreException("cannot list the shadow summaries of " + model + ": " + e.getMessage(), e);
        }
        for (FileStatus f : files) {
            String name = f.getPath().getName();
            if (!name.endsWith(".json") || f.isDirectory()) {
                continue;
            }
            try {
                if (f.getLen() > MAX_BYTES) {
                    throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
                }
                byte[] bytes;
                try (InputStream in = fs.open(f.getPath())) {
                    bytes = in.readAllBytes();
                }
                out.add(fromJson(mapper.readTree(bytes)));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping shadow summary {}: {}", f.getPath(), e.getMessage());
            }
        }
        return out;
    }

    private ObjectNode toJson(ShadowSummary s) {
        ObjectNode o = mapper.createObjectNode();
        o.put("formatVersion", ShadowSummary.FORMAT_VERSION);
        o.put("model", s.model());
        o.put("replica", s.replica());
        o.put("updated", s.updatedMillis());
        o.put("dropped", s.dropped());
        ArrayNode pairs = o.putArray("pairs");
        for (ShadowSummary.Pair p : s.pairs()) {
            ObjectNode n = pairs.addObject();
            n.put("primary", p.primary());
            n.put("shadow", p.shadow());
            n.put("regression", p.regression());
            n.put("requests", p.requests());
            n.put("rows", p.rows());
            n.put("agreeing_rows", p.agreeingRows());
            n.put("abs_diff_sum", p.absDiffSum());
            n.put("values", p.values());
            n.put("failed", p.failed());
        }
        return o;
    }

    static ShadowSummary fromJson(JsonNode o) {
        int format = field(o, "formatVersion").asInt();
        if (format > ShadowSummary.FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "formatVersion " + format + " is newer than this reader's " + ShadowSummary.FORMAT_VERSION);
        }
        List<ShadowSummary.Pair> pairs = new ArrayList<>();
        for (JsonNode n : field(o, "pairs")) {
            pairs.add(new ShadowSummary.Pair(
                    field(n, "primary").asInt(),
                    field(n, "shadow").asInt(),
                    field(n, "regression").asBoolean(),
                    field(n, "requests").asLong(),
                    field(n, "rows").asLong(),
                    field(n, "agreeing_rows").asLong(),
                    field(n, "abs_diff_sum").asDouble(),
                    field(n, "values").asLong(),
                    field(n, "failed").asLong()));
        }
        return new ShadowSummary(
                field(o, "model").asText(),
                field(o, "replica").asText(),
                field(o, "updated").asLong(),
                field(o, "dropped").asLong(),
                pairs);
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        return v;
    }
}
