package dev.hearth.runtime;

import dev.hearth.store.Signature;

/**
 * The bytes of a stored model and what is needed to run them: what a {@link PredictorFactory} restores. It need not
 * be published yet (the retrain gate checks a challenger before it is), and its bytes may have travelled (a Spark
 * broadcast): every factory treats them as untrusted.
 *
 * @param what the model as named in messages, e.g. {@code digits/3}
 * @param framework the metadata's {@code framework}, e.g. {@code dl4j-multilayer}
 * @param signature the stored signature (inputs, outputs, normalisers, labels)
 * @param bytes the model file's bytes, already checksum-verified by whoever read them from the store
 */
public record ModelArtifact(String what, String framework, Signature signature, byte[] bytes) {
    public ModelArtifact {
        if (what == null || framework == null || signature == null || bytes == null) {
            throw new IllegalArgumentException("a model artifact needs a name, a framework, a signature and bytes");
        }
    }
}
