package dev.hearth.store;

/** Names shared by every writer and reader of stored models (DL4J and ONNX), so training and serving cannot drift apart. */
public final class ModelFiles {
    /** The model file inside a version. */
    public static final String MODEL_FILE = "model.zip";
    /** Framework tag of a DL4J {@code MultiLayerNetwork} written by {@code ModelSerializer}. */
    public static final String DL4J_MULTILAYER = "dl4j-multilayer";
    /** Framework tag of an ONNX model (imported with {@code hearth models import --framework onnx}). */
    public static final String ONNX = "onnx";
    /** The model file inside an ONNX version: the graph exactly as imported. */
    public static final String ONNX_FILE = "model.onnx";

    private ModelFiles() {}
}
