package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression signature in stored metadata: round trip through a real store, format numbers, metadata written by
 * the previous format (classification and unscaled regression), validation, and the target normaliser's inverse.
 */
class RegressionSignatureTest {
    @TempDir
    Path dir;

    private final MetadataJson json = new MetadataJson();

    private static NormalizerSpec targetScaling() {
        return new NormalizerSpec("standardize", null, null, new double[] {880.6}, new double[] {569.4});
    }

    private static Signature regression() {
        return Signature.regression(
                "input",
                2,
                List.of("radius", "texture"),
                new NormalizerSpec("minmax", new double[] {0, 0}, new double[] {30, 40}, null, null),
                List.of("worst_area"),
                targetScaling());
    }

    private static ModelDraft draft(Signature sig) {
        return new ModelDraft(
                "test-format",
                sig,
                Map.of("mse", 1234.5),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of("model.zip", out -> out.write("m".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void regressionSignatureRoundTripsThroughTheStoreAsFormat2() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        store.publish("area", draft(regression()));
        String text = Files.readString(dir.resolve("area/versions/1/metadata.json"));
        assertThat(text.strip()).startsWith("{\n  \"formatVersion\" : 2,");
        assertThat(text)
                .contains("\"task\" : \"regression\"")
                .contains("\"targets\" : [ \"worst_area\" ]")
                .doesNotContain("\"regression\" :")
                .doesNotContain("outputWidth");

        Signature back = store.resolve(ModelRef.parse("area")).metadata().signature();
        assertThat(back).usingRecursiveComparison().isEqualTo(regression());
        assertThat(back.isRegression()).isTrue();
        assertThat(back.outputWidth()).isEqualTo(1);
        assertThat(back.valueOutputName()).isEqualTo("worst_area");
        assertThat(back.targetNormalizer().mean()).containsExactly(880.6);
        assertThat(back.targetNormalizer().std()).containsExactly(569.4);
    }

    @Test
    void classificationStaysFormat1SoOlderReadersStillReadIt() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        Signature sig = new Signature("input", "FP32", 2, List.of(), List.of("no", "yes"), NormalizerSpec.none());
        ModelVersion v = store.publish("c", draft(sig));
        assertThat(v.metadata().formatVersion()).isEqualTo(1);
        assertThat(v.metadata().signature().task()).isEqualTo("classification");
        assertThat(v.metadata().signature().targets()).isEmpty();
        assertThat(v.metadata().signature().outputWidth()).isEqualTo(2);
    }

    @Test
    void format1MetadataReadsAsBefore() {
        String classifier = """
                {"formatVersion": 1, "name": "iris", "version": 3, "framework": "dl4j-multilayer",
                 "signature": {"inputName": "input", "datatype": "FP32", "featureCount": 4,
                               "featureNames": [], "labelNames": ["a", "b", "c"], "normalizer": {"kind": "none"}}}
                """;
        Signature c =
                json.read(classifier.getBytes(StandardCharsets.UTF_8), "iris/3").signature();
        assertThat(c.isRegression()).isFalse();
        assertThat(c.labelNames()).containsExactly("a", "b", "c");
        assertThat(c.targetNormalizer().kind()).isEqualTo("none");

        // A regression model published before targets were scaled: one unscaled value per row.
        String regression = classifier.replace("[\"a\", \"b\", \"c\"]", "[]");
        Signature r =
                json.read(regression.getBytes(StandardCharsets.UTF_8), "iris/3").signature();
        assertThat(r.isRegression()).isTrue();
        assertThat(r.targets()).containsExactly(Signature.VALUE);
        assertThat(r.targetNormalizer().kind()).isEqualTo("none");
        assertThat(r.outputWidth()).isEqualTo(1);
    }

    @Test
    void newerFormatIsRefusedNamingBothNumbers() {
        byte[] newer = "{\"formatVersion\": 4, \"name\": \"m\", \"version\": 1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> json.read(newer, "m/1"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("formatVersion 4")
                .hasMessageContaining("formatVersion <= " + ModelMetadata.FORMAT_VERSION);
    }

    @Test
    void inconsistentSignaturesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new Signature(
                        "input", "FP32", 2, List.of(), List.of("a", "b"), null, "classification", List.of("y"), null))
                .hasMessageContaining("targets [y]");
        assertThatThrownBy(() ->
                        new Signature("input", "FP32", 2, List.of(), List.of("a"), null, "regression", null, null))
                .hasMessageContaining("regression signature has no labelNames but has [a]");
        assertThatThrownBy(() ->
                        new Signature("input", "FP32", 2, List.of(), List.of(), null, "classification", null, null))
                .hasMessageContaining("classification signature needs labelNames");
        assertThatThrownBy(() -> Signature.regression("input", 2, List.of(), null, List.of("worst area"), null))
                .hasMessageContaining("target name 'worst area' must match");
        assertThatThrownBy(() -> Signature.regression("input", 2, List.of(), null, List.of("y", "z"), targetScaling()))
                .hasMessageContaining("targetNormalizer covers 1 values but there are 2 targets [y, z]");
        assertThatThrownBy(() -> new Signature("input", "FP32", 2, List.of(), List.of(), null, "ranking", null, null))
                .hasMessageContaining("task must be one of [classification, regression] but was 'ranking'");
    }

    @Test
    void targetNormalizerInverseUndoesItsForwardMapping() {
        NormalizerSpec s =
                new NormalizerSpec("standardize", null, null, new double[] {880.6, 5}, new double[] {569.4, 0});
        float[] y = {2019f, 5f};
        s.apply(y, 0, 2);
        assertThat(y[0]).isCloseTo((float) ((2019 - 880.6) / 569.4), within(1e-6f));
        assertThat(y[1]).isZero();
        s.invert(y, 0, 2);
        assertThat(y[0]).isCloseTo(2019f, within(1e-3f));
        assertThat(y[1]).isEqualTo(5f);
        assertThat(s.scale(0)).isEqualTo(569.4);

        NormalizerSpec m = new NormalizerSpec("minmax", new double[] {143.5}, new double[] {4254}, null, null);
        float[] v = {1000f};
        m.apply(v, 0, 1);
        m.invert(v, 0, 1);
        assertThat(v[0]).isCloseTo(1000f, within(1e-3f));
        assertThat(m.scale(0)).isCloseTo(4110.5, within(1e-9));
        assertThat(NormalizerSpec.none().scale(0)).isEqualTo(1.0);
    }
}
