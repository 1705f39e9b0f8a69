package dev.hearth.spark.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hearth.config.Choice;
import dev.hearth.config.SettingsException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a network spec from YAML or JSON text. Every word (head, updater, schedule, layer type, pooling,
 * activation) becomes its enum here, once. Every error names the source, the field path, the value and the rule,
 * e.g. {@code conf/networks/x.yaml: network.layers[1].units must be >= 1 but was 0} or {@code x.yaml:
 * network.updater must be one of [adam, sgd, nesterovs] but was "adagrad"}. Unknown fields are refused (typos must
 * not be ignored).
 */
public final class NetworkSpecParser {
    private static final Set<String> TOP =
            Set.of("input", "layers", "head", "updater", "learningRate", "schedule", "l2", "seed");
    private static final Set<String> LAYER =
            Set.of("type", "units", "filters", "kernel", "stride", "pooling", "activation", "dropout", "rate");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /**
     * Parses {@code text} (YAML; JSON is valid YAML).
     *
     * @param where the source, named in errors (e.g. the file path)
     */
    public NetworkSpec parse(String text, String where) {
        JsonNode root;
        try {
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SettingsException("network spec " + where + " is not valid YAML/JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SettingsException("network spec " + where + " must be a mapping with 'layers'");
        }
        try {
            return spec(root);
        } catch (SettingsException e) {
            throw new SettingsException(where + ": " + e.getMessage());
        }
    }

    private static NetworkSpec spec(JsonNode root) {
        unknown(root, TOP, "network");
        List<Integer> input = root.has("input") ? ints(root.get("input"), "network.input", 1, 3) : List.of();
        Head head = choice(root, "head", Head.CLASSIFICATION, Head.class, "network.head");
        Updater updater = choice(root, "updater", Updater.ADAM, Updater.class, "network.updater");
        double lr = number(root, "learningRate", 0.001, 1e-9, 10, "network.learningRate");
        double l2 = number(root, "l2", 0, 0, 10, "network.l2");
        long seed = root.has("seed") ? integer(root.get("seed"), "network.seed", Long.MIN_VALUE) : 12345L;
        Schedule schedule = Schedule.NONE;
        double decay = 1;
        int steps = 1;
        JsonNode s = root.get("schedule");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                throw new SettingsException("network.schedule must be a mapping {type, decay, steps} but was " + s);
            }
            unknown(s, Set.of("type", "decay", "steps"), "network.schedule");
            schedule = choice(s, "type", Schedule.NONE, Schedule.class, "network.schedule.type");
            decay = number(s, "decay", 0.5, 1e-9, 1, "network.schedule.decay");
            steps = (int) (s.has("steps") ? integer(s.get("steps"), "network.schedule.steps", 1) : 1000);
        }
        JsonNode layersNode = root.get("layers");
        if (layersNode == null || !layersNode.isArray()) {
            throw new SettingsException("network.layers must be a list of layers but was " + layersNode);
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            layers.add(layer(layersNode.get(i), "network.layers[" + i + "]"));
        }
        return new NetworkSpec(input, layers, head, updater, lr, schedule, decay, steps, l2, seed);
    }

    private static LayerSpec layer(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw new SettingsException(path + " must be a mapping with a 'type' but was " + n);
        }
        unknown(n, LAYER, path);
        LayerType type = choice(n, "type", null, LayerType.class, path + ".type");
        return switch (type) {
            case DENSE ->
                LayerSpec.dense(
                        (int) integer(required(n, "units", path), path + ".units", 1),
                        choice(n, "activation", HiddenActivation.RELU, HiddenActivation.class, path + ".activation"),
                        number(n, "dropout", 0, 0, 0.99, path + ".dropout"));
            case CONV ->
                LayerSpec.conv(
                        (int) integer(required(n, "filters", path), path + ".filters", 1),
                        pair(n, "kernel", List.of(3, 3), path),
                        pair(n, "stride", List.of(1, 1), path),
                        choice(n, "activation", HiddenActivation.RELU, HiddenActivation.class, path + ".activation"),
                        number(n, "dropout", 0, 0, 0.99, path + ".dropout"));
            case POOL ->
                LayerSpec.pool(
                        choice(n, "pooling", Pooling.MAX, Pooling.class, path + ".pooling"),
                        pair(n, "kernel", List.of(2, 2), path),
                        pair(n, "stride", List.of(2, 2), path));
            case DROPOUT -> LayerSpec.dropout(number(n, "rate", 0.5, 0.01, 0.99, path + ".rate"));
        };
    }

    private static JsonNode required(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new SettingsException(
                    path + "." + field + " is required for a " + n.get("type").asText() + " layer");
        }
        return v;
    }

    private static List<Integer> pair(JsonNode n, String field, List<Integer> dflt, String path) {
        return n.has(field) ? ints(n.get(field), path + "." + field, 2, 2) : dflt;
    }

    private static List<Integer> ints(JsonNode v, String path, int minLen, int maxLen) {
        if (v == null || !v.isArray() || v.size() < minLen || v.size() > maxLen) {
            throw new SettingsException(path + " must be a list of "
                    + (minLen == maxLen ? minLen : minLen + " to " + maxLen) + " positive integers but was " + v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            out.add((int) integer(e, path, 1));
        }
        return out;
    }

    private static long integer(JsonNode v, String path, long min) {
        if (v == null || !v.isIntegralNumber()) {
            throw new SettingsException(path + " must be an integer but was " + v);
        }
        if (v.asLong() < min) {
            throw new SettingsException(path + " must be >= " + min + " but was " + v.asLong());
        }
        return v.asLong();
    }

    private static double number(JsonNode n, String field, double dflt, double min, double max, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new SettingsException(path + " must be a number but was " + v);
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw new SettingsException(path + " must be between " + min + " and " + max + " but was " + v);
        }
        return d;
    }

    /**
     * The constant of {@code type} whose word is the field's text (case-insensitive), {@code dflt} when the field is
     * absent, or an error naming the field, the value and the allowed words.
     */
    private static <E extends Enum<E> & Choice> E choice(JsonNode n, String field, E dflt, Class<E> type, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new SettingsException(path + " is required (one of " + Choice.words(type) + ")");
            }
            return dflt;
        }
        if (v.isTextual()) {
            String word = v.asText().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.word().equals(word)) {
                    return e;
                }
            }
        }
        throw new SettingsException(path + " must be one of " + Choice.words(type) + " but was " + v);
    }

    private static void unknown(JsonNode n, Set<String> known, String path) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new SettingsException(path + "." + f + " is not a known field (known: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }
}
