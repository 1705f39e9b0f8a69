package dev.hearth.spark.network;

import dev.hearth.config.Choice;
import java.util.EnumSet;
import java.util.Set;
import org.deeplearning4j.nn.weights.WeightInit;

/**
 * The activation of a hidden layer, as written in a network spec file ({@code activation: relu}) and in the
 * {@code network.activation} setting. The spec file allows every constant; the setting allows {@link #SETTING}.
 */
public enum HiddenActivation implements Choice {
    RELU,
    TANH,
    SIGMOID,
    LEAKYRELU,
    ELU,
    IDENTITY,
    SOFTPLUS;

    /** The activations the {@code network.activation} setting allows (a spec file allows them all). */
    public static final Set<HiddenActivation> SETTING = EnumSet.of(RELU, TANH, SIGMOID, LEAKYRELU, ELU);

    /** DL4J's activation of the same name. */
    public org.nd4j.linalg.activations.Activation dl4j() {
        return org.nd4j.linalg.activations.Activation.valueOf(name());
    }

    /** The weight initialisation suited to the activation: He (RELU) for the rectifiers, Xavier otherwise. */
    public WeightInit weightInit() {
        return this == RELU || this == LEAKYRELU ? WeightInit.RELU : WeightInit.XAVIER;
    }
}
