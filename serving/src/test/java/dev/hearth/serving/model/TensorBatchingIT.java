package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.serving.PytorchFiles;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micro-batching of named-tensor requests on PyTorch's two-input ONNX model (FP32 and INT64 in, FP64 and INT64
 * out, dynamic batch axis): requests queued together run in one pass along the first axis and each gets exactly
 * its own rows back, as when run alone; requests asking for other outputs run in passes of their own.
 */
class TensorBatchingIT {
    @TempDir
    Path dir;

    private record Pass(int requests, int rows) {}

    @Test
    void tensorRequestsAreMergedAlongTheFirstAxisAndSplitBack() throws Exception {
        Path store = dir.resolve("store");
        PytorchFiles.importOnnx(store, PytorchFiles.dir().resolve("two_input.onnx"), "two");
        HadoopModelStore hs = HadoopModelStore.open(store.toString(), new Configuration());
        ModelVersion v = hs.resolve(ModelRef.parse("two"));
        LoadedModel model = new LoadedModel(
                v, ModelRuntime.standard(new RuntimeOptions(true, 1)).load(hs, v));
        List<Pass> passes = new CopyOnWriteArrayList<>();
        ModelEvents events = new ModelEvents() {
            @Override
            public void batchExecuted(String name, int requests, int rows) {
                passes.add(new Pass(requests, rows));
            }
        };
        // A long delay: everything submitted below is queued before the worker's first pass ends its wait.
        try (MicroBatcher batcher = new MicroBatcher("two", new BatchingConfig(true, 64, 300_000, 1000), events)) {
            List<Map<String, Tensor>> requests = List.of(request(1, 0), request(3, 1), request(2, 4));
            List<CompletableFuture<Map<String, Tensor>>> results = new ArrayList<>();
            for (Map<String, Tensor> r : requests) {
                results.add(batcher.submitTensors(
                        model, r, Set.of(), (int) r.get("a").shape()[0]));
            }
            CompletableFuture<Map<String, Tensor>> onlyBest =
                    batcher.submitTensors(model, request(2, 2), Set.of("best"), 2);
            for (int i = 0; i < requests.size(); i++) {
                Map<String, Tensor> merged = results.get(i).get(30, TimeUnit.SECONDS);
                Map<String, Tensor> alone = model.runTensors(requests.get(i), Set.of());
                assertThat(merged.get("scores").shape())
                        .containsExactly(alone.get("scores").shape());
                assertThat(values(merged.get("scores")))
                        .containsExactly(values(alone.get("scores")), org.assertj.core.data.Offset.offset(1e-9));
                assertThat(values(merged.get("best"))).containsExactly(values(alone.get("best")));
            }
            assertThat(onlyBest.get(30, TimeUnit.SECONDS)).containsOnlyKeys("best");
            assertThat(passes).contains(new Pass(3, 6), new Pass(1, 2));
        } finally {
            model.retire();
        }
    }

    /** {@code rows} items: a FP32 [rows, 3], b INT64 [rows, 2] with category ids from {@code seed}. */
    private static Map<String, Tensor> request(int rows, int seed) {
        float[] a = new float[rows * 3];
        long[] b = new long[rows * 2];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(seed + 0.7 * i);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (seed + i) % 5;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", new Tensor("a", TensorType.FP32, new long[] {rows, 3}, FloatBuffer.wrap(a)));
        m.put("b", new Tensor("b", TensorType.INT64, new long[] {rows, 2}, LongBuffer.wrap(b)));
        return m;
    }

    private static double[] values(Tensor t) {
        double[] v = new double[(int) t.elementCount()];
        for (int i = 0; i < v.length; i++) {
            int at = t.data().position() + i;
            v[i] = switch (t.type()) {
                case FP64 -> ((DoubleBuffer) t.data()).get(at);
                case INT64 -> ((LongBuffer) t.data()).get(at);
                case FP32 -> ((FloatBuffer) t.data()).get(at);
                default -> throw new IllegalStateException(t.type().name());
            };
        }
        return v;
    }
}
