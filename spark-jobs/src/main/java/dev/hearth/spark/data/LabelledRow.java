package dev.hearth.spark.data;

import java.io.Serializable;

/**
 * One parsed example: its raw label text (null when unlabelled, for batch scoring) and its raw features. A plain class rather than a record because Spark's
 * Kryo sets fields reflectively, which records forbid.
 */
public final class LabelledRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private String label;
    private float[] features;

    /** A row; a numeric label is stored in {@linkplain LabelEncoding#canonical(String) canonical form}. */
    public LabelledRow(String label, float[] features) {
        this.label = LabelEncoding.canonical(label);
        this.features = features;
    }

    public String label() {
        return label;
    }

    public float[] features() {
        return features;
    }
}
