package dev.hearth.store;

/** Names shared by every writer and reader of stored DL4J models, so training and serving cannot drift apart. */
public final class ModelFiles {
    /** The model file inside a version. */
    public static final String MODEL_FILE = "model.zip";
    /** Framework tag of a DL4J {@code MultiLayerNetwork} written by {@code ModelSerializer}. */
    public static final String DL4J_MULTILAYER = "dl4j-multilayer";

    private ModelFiles() {}
}
