package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The updater of the fused step, on the flat parameter, gradient and updater-state buffers: L2 is added to the
 * (already minibatch-averaged) gradient first, then Adam, SGD or Nesterov momentum computes the update, which is
 * subtracted from the parameters. The arithmetic follows DL4J's native updater ops in float, so a network can
 * move between the fused step and DL4J's {@code fit} with its state: Adam's state is {@code [m, v]}, Nesterov's
 * {@code [v]}, each as long as the parameters (DL4J's layout for one updater block).
 */
final class FusedUpdater {
    private final IUpdater config;
    private final List<FusedLayout.LayerPlan> layers;
    private final int n;

    FusedUpdater(FusedLayout layout) {
        this.config = layout.updater();
        this.layers = layout.layers();
        this.n = Math.toIntExact(layout.parameters());
    }

    /** Updater-state values per parameter: 2 for Adam, 1 for Nesterovs, 0 for SGD. */
    static int stateMultiple(IUpdater updater) {
        return updater instanceof Adam ? 2 : updater instanceof Nesterovs ? 1 : 0;
    }

    /** Applies one update for DL4J's {@code iteration} and {@code epoch} counters. */
    void apply(FloatBuffer params, FloatBuffer grad, FloatBuffer state, int iteration, int epoch) {
        for (FusedLayout.LayerPlan l : layers) {
            addL2(params, grad, l.l2(), (int) l.weightOffset(), l.in() * l.out(), iteration, epoch);
            addL2(params, grad, l.l2Bias(), (int) l.biasOffset(), l.out(), iteration, epoch);
        }
        float lr = (float) config.getLearningRate(iteration, epoch);
        if (config instanceof Adam adam) {
            adam(params, grad, state, lr, adam, iteration);
        } else if (config instanceof Nesterovs nesterovs) {
            ISchedule schedule = nesterovs.getMomentumISchedule();
            float momentum = (float) (schedule == null ? nesterovs.getMomentum() : schedule.valueAt(iteration, epoch));
            float next = -momentum - 1f;
            for (int i = 0; i < n; i++) {
                float previous = momentum * state.get(i);
                float v = previous - lr * grad.get(i);
                state.put(i, v);
                params.put(i, params.get(i) - (previous + next * v));
            }
        } else {
            for (int i = 0; i < n; i++) {
                params.put(i, params.get(i) - lr * grad.get(i));
            }
        }
    }

    private void adam(FloatBuffer params, FloatBuffer grad, FloatBuffer state, float lr, Adam adam, int iteration) {
        float beta1 = (float) adam.getBeta1();
        float beta2 = (float) adam.getBeta2();
        float epsilon = (float) adam.getEpsilon();
        float beta1t = (float) Math.pow(beta1, iteration + 1);
        float beta2t = (float) Math.pow(beta2, iteration + 1);
        float step = (float) (lr * Math.sqrt(1.0 - beta2t) / (1.0 - beta1t));
        if (Float.isNaN(step) || Float.isInfinite(step) || step == 0f) {
            step = epsilon;
        }
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        for (int i = 0; i < n; i++) {
            float g = grad.get(i);
            float m = beta1 * state.get(i) + g * oneMinusBeta1;
            float v = beta2 * state.get(n + i) + g * g * oneMinusBeta2;
            state.put(i, m);
            state.put(n + i, v);
            params.put(i, params.get(i) - m * step / ((float) Math.sqrt(v) + epsilon));
        }
    }

    private static void addL2(
            FloatBuffer params, FloatBuffer grad, ISchedule l2, int from, int count, int iteration, int epoch) {
        if (l2 == null) {
            return;
        }
        float c = (float) l2.valueAt(iteration, epoch);
        if (c == 0f) {
            return;
        }
        for (int i = from; i < from + count; i++) {
            grad.put(i, grad.get(i) + c * params.get(i));
        }
    }
}
