package dev.hearth.spark.data;

import java.io.Serializable;

/**
 * One parsed example: its raw label text (null when unlabelled, for batch scoring), its raw features and, when
 * {@code split.key.column} names one, the text of its split key column (else null). A plain class rather than a
 * record because Spark's Kryo sets fields reflectively, which records forbid.
 */
public final class LabelledRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private String label;
    private float[] features;
    private String key;

    /** A row; a numeric label is stored in {@linkplain LabelEncoding#canonical(String) canonical form}. */
    public LabelledRow(String label, float[] features) {
        this(label, features, null);
    }

    public LabelledRow(String label, float[] features, String key) {
        this.label = LabelEncoding.canonical(label);
        this.features = features;
        this.key = key;
    }

    public String label() {
        return label;
    }

    public float[] features() {
        return features;
    }

    /** The split key column's text, or null when splits hash the row's content. */
    public String key() {
        return key;
    }
}
