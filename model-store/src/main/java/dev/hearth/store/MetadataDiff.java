package dev.hearth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** The differences between two versions' metadata: framework, signature, training settings, metrics, tags, provenance. */
public final class MetadataDiff {
    /**
     * One differing entry.
     *
     * @param section {@code framework}, {@code signature}, {@code training}, {@code metrics}, {@code tags} or
     *     {@code provenance}
     * @param key the entry's key within the section
     * @param left the value in the first version, null when absent
     * @param right the value in the second version, null when absent
     */
    public record Change(String section, String key, String left, String right) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataDiff() {}

    /** Lists the entries whose values differ between {@code left} and {@code right}, section by section. */
    public static List<Change> between(ModelMetadata left, ModelMetadata right) {
        List<Change> out = new ArrayList<>();
        compare(
                out,
                "framework",
                Map.of("framework", str(left.framework())),
                Map.of("framework", str(right.framework())));
        compare(
                out,
                "signature",
                Map.of("signature", json(left.signature())),
                Map.of("signature", json(right.signature())));
        compare(out, "training", left.training(), right.training());
        compare(out, "metrics", left.metrics(), right.metrics());
        compare(out, "tags", left.tags(), right.tags());
        compare(out, "provenance", left.provenance(), right.provenance());
        return out;
    }

    private static void compare(List<Change> out, String section, Map<String, ?> l, Map<String, ?> r) {
        TreeSet<String> keys = new TreeSet<>(l.keySet());
        keys.addAll(r.keySet());
        for (String k : keys) {
            String a = l.containsKey(k) ? str(l.get(k)) : null;
            String b = r.containsKey(k) ? str(r.get(k)) : null;
            if (!Objects.equals(a, b)) {
                out.add(new Change(section, k, a, b));
            }
        }
    }

    private static String json(Signature s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("cannot serialise signature " + s, e);
        }
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }
}
