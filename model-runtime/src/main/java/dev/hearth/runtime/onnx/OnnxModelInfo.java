package dev.hearth.runtime.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the top of an ONNX {@code ModelProto} says about a model, read straight from the file's bytes: IR version,
 * producer, the opset of every operator domain, graph name, the operators the graph uses and the free metadata
 * properties. {@link #read} refuses a truncated file, bytes that are not ONNX, and an opset or IR version newer
 * than this ONNX Runtime runs, each with a message naming the cause.
 *
 * @param irVersion the file format's IR version
 * @param producerName the tool that wrote the file, e.g. {@code pytorch}
 * @param producerVersion that tool's version
 * @param domain the model's domain (free text)
 * @param modelVersion the model's own version number
 * @param graphName the main graph's name
 * @param opsets operator domain ({@code ai.onnx} for the default one) to opset version
 * @param operators {@code domain:op} of every node of the main graph ({@code ai.onnx} for the default domain)
 * @param metadata the model's metadata properties
 */
public record OnnxModelInfo(
        long irVersion,
        String producerName,
        String producerVersion,
        String domain,
        long modelVersion,
        String graphName,
        Map<String, Long> opsets,
        Set<String> operators,
        Map<String, String> metadata) {

    /** The default operator domain's name; files may also write it as the empty string. */
    public static final String DEFAULT_DOMAIN = "ai.onnx";
    /** Newest default-domain opset ONNX Runtime 1.20 runs. */
    public static final long MAX_OPSET = 21;
    /** Newest IR version ONNX Runtime 1.20 reads. */
    public static final long MAX_IR_VERSION = 10;

    public OnnxModelInfo {
        opsets = Collections.unmodifiableMap(new TreeMap<>(opsets));
        operators = Collections.unmodifiableSet(new TreeSet<>(operators));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The default-domain opset the model was written for. */
    public long opset() {
        return opsets.getOrDefault(DEFAULT_DOMAIN, 0L);
    }

    /**
     * Reads a model file's header.
     *
     * @param what the file, named in errors
     * @throws OnnxModelException when the bytes are cut short or not ONNX, or need a newer runtime
     */
    public static OnnxModelInfo read(byte[] bytes, String what) {
        if (bytes.length == 0) {
            throw new OnnxModelException(OnnxModelException.Reason.NOT_ONNX, what + " is empty, not an ONNX model");
        }
        long ir = -1;
        long modelVersion = 0;
        String producer = "";
        String producerVersion = "";
        String domain = "";
        String graphName = null;
        Map<String, Long> opsets = new TreeMap<>();
        Set<String> operators = new TreeSet<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try {
            ProtoReader model = new ProtoReader(bytes);
            while (model.next()) {
                switch (model.field()) {
                    case 1 -> ir = model.integer();
                    case 2 -> producer = model.string();
                    case 3 -> producerVersion = model.string();
                    case 4 -> domain = model.string();
                    case 5 -> modelVersion = model.integer();
                    case 7 -> graphName = readGraph(model.message(), operators);
                    case 8 -> readOpset(model.message(), opsets);
                    case 14 -> readProperty(model.message(), metadata);
                    default -> model.skip();
                }
            }
        } catch (ProtoReader.Malformed e) {
            throw new OnnxModelException(
                    e.truncated ? OnnxModelException.Reason.TRUNCATED : OnnxModelException.Reason.NOT_ONNX,
                    what + (e.truncated ? " is truncated: " : " is not an ONNX " + "model: ") + e.getMessage());
        }
        if (ir < 1 || graphName == null || opsets.isEmpty()) {
            throw new OnnxModelException(
                    OnnxModelException.Reason.NOT_ONNX,
                    what + " is not an ONNX model (or is "
                            + "cut short): it has "
                            + (ir < 1 ? "no ir_version" : graphName == null ? "no graph" : "no opset_import"));
        }
        if (ir > MAX_IR_VERSION) {
            throw new OnnxModelException(
                    OnnxModelException.Reason.OPSET,
                    what + " has IR version " + ir + " but this ONNX Runtime reads IR versions <= " + MAX_IR_VERSION);
        }
        long opset = opsets.getOrDefault(DEFAULT_DOMAIN, 0L);
        if (opset > MAX_OPSET) {
            throw new OnnxModelException(
                    OnnxModelException.Reason.OPSET,
                    what + " needs opset " + opset + " but this ONNX Runtime runs opsets <= " + MAX_OPSET
                            + "; export it with opset <= " + MAX_OPSET);
        }
        return new OnnxModelInfo(
                ir, producer, producerVersion, domain, modelVersion, graphName, opsets, operators, metadata);
    }

    private static String readGraph(ProtoReader graph, Set<String> operators) throws ProtoReader.Malformed {
        String name = "";
        while (graph.next()) {
            switch (graph.field()) {
                case 1 -> operators.add(readNode(graph.message()));
                case 2 -> name = graph.string();
                default -> graph.skip();
            }
        }
        return name;
    }

    private static String readNode(ProtoReader node) throws ProtoReader.Malformed {
        String op = "";
        String domain = "";
        while (node.next()) {
            switch (node.field()) {
                case 4 -> op = node.string();
                case 7 -> domain = node.string();
                default -> node.skip();
            }
        }
        return (domain.isEmpty() ? DEFAULT_DOMAIN : domain) + ":" + op;
    }

    private static void readOpset(ProtoReader opset, Map<String, Long> opsets) throws ProtoReader.Malformed {
        String domain = "";
        long version = 0;
        while (opset.next()) {
            switch (opset.field()) {
                case 1 -> domain = opset.string();
                case 2 -> version = opset.integer();
                default -> opset.skip();
            }
        }
        opsets.put(domain.isEmpty() ? DEFAULT_DOMAIN : domain, version);
    }

    private static void readProperty(ProtoReader entry, Map<String, String> metadata) throws ProtoReader.Malformed {
        String key = "";
        String value = "";
        while (entry.next()) {
            switch (entry.field()) {
                case 1 -> key = entry.string();
                case 2 -> value = entry.string();
                default -> entry.skip();
            }
        }
        metadata.put(key, value);
    }
}
