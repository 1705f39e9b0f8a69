package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J dropout that takes its masks from a {@link DropoutMasks} instead of ND4J's native random generator, so DL4J's
 * {@code fit} and the fused step can be run with the same masks. It is still a {@link Dropout} with the same
 * probability, and otherwise applies and back-propagates the mask exactly as DL4J's inverted dropout does.
 */
final class MaskedDropout extends Dropout {
    private final transient DropoutMasks masks;
    private transient INDArray mask;

    MaskedDropout(double retain, DropoutMasks masks) {
        super(retain);
        this.masks = masks;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray output, int iteration, int epoch, LayerWorkspaceMgr ws) {
        int n = (int) input.length();
        FloatBuffer values = FloatBuffer.allocate(n);
        masks.fill(values, n, getP());
        // Kept outside DL4J's workspaces: backprop reads it after the forward pass's workspace has closed.
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            mask = Nd4j.create(values.array(), input.shape(), 'c').castTo(input.dataType());
        }
        output.assign(input.mul(mask));
        return output;
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        gradAtInput.assign(gradAtOutput.mul(mask.castTo(gradAtOutput.dataType())));
        return gradAtInput;
    }

    @Override
    public void clear() {
        mask = null;
    }

    @Override
    public MaskedDropout clone() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
