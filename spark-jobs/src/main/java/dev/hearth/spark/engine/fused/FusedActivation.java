package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * The activations the fused step runs, applied in place. Every derivative is taken from the activation's output
 * (ReLU and leaky ReLU: the output is positive exactly where the input was; sigmoid {@code s(1-s)}; tanh
 * {@code 1-t²}), so the step keeps one buffer per layer. Softmax is only supported on the output layer, where
 * it is fused with the cross-entropy gradient.
 */
enum FusedActivation {
    IDENTITY,
    RELU,
    LEAKY_RELU,
    SIGMOID,
    TANH,
    SOFTMAX;

    /** The activation of a DL4J activation function, or null when the fused step does not run it. */
    static FusedActivation of(IActivation fn) {
        if (fn instanceof ActivationIdentity) {
            return IDENTITY;
        } else if (fn instanceof ActivationReLU && fn.equals(new ActivationReLU())) {
            return RELU;
        } else if (fn instanceof ActivationLReLU l && l.getAlpha() > 0) {
            return LEAKY_RELU;
        } else if (fn instanceof ActivationSigmoid) {
            return SIGMOID;
        } else if (fn instanceof ActivationTanH) {
            return TANH;
        } else if (fn instanceof ActivationSoftmax) {
            return SOFTMAX;
        }
        return null;
    }

    /** Applies the activation to {@code n} values from index 0 (not softmax: see {@link #softmaxRows}). */
    void apply(FloatBuffer z, int n, float alpha) {
        switch (this) {
            case IDENTITY, SOFTMAX -> {}
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    z.put(i, Math.max(0f, z.get(i)));
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) {
                    float v = z.get(i);
                    z.put(i, v < 0f ? alpha * v : v);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    z.put(i, (float) (1.0 / (1.0 + Math.exp(-z.get(i)))));
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    z.put(i, (float) Math.tanh(z.get(i)));
                }
            }
        }
    }

    /** Multiplies {@code grad} by the derivative at the outputs {@code h}, for {@code n} values. */
    void backprop(FloatBuffer h, FloatBuffer grad, int n, float alpha) {
        switch (this) {
            case IDENTITY, SOFTMAX -> {}
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    if (!(h.get(i) > 0f)) {
                        grad.put(i, 0f);
                    }
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) {
                    if (!(h.get(i) > 0f)) {
                        grad.put(i, grad.get(i) * alpha);
                    }
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    float s = h.get(i);
                    grad.put(i, grad.get(i) * s * (1f - s));
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    float t = h.get(i);
                    grad.put(i, grad.get(i) * (1f - t * t));
                }
            }
        }
    }

    /** Row-wise softmax of a row-major {@code rows x width} block, in place, with the row maximum subtracted. */
    static void softmaxRows(FloatBuffer z, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int at = r * width;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = at; j < at + width; j++) {
                max = Math.max(max, z.get(j));
            }
            float sum = 0f;
            for (int j = at; j < at + width; j++) {
                float e = (float) Math.exp(z.get(j) - max);
                z.put(j, e);
                sum += e;
            }
            for (int j = at; j < at + width; j++) {
                z.put(j, z.get(j) / sum);
            }
        }
    }
}
