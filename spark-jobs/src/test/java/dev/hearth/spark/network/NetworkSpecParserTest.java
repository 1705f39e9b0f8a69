package dev.hearth.spark.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.SettingsException;
import dev.hearth.spark.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class NetworkSpecParserTest {
    private final NetworkSpecParser parser = new NetworkSpecParser();

    private NetworkSpec parse(String yaml) {
        return parser.parse(yaml, "test.yaml");
    }

    @Test
    void shippedSpecsParseAndBuild() throws Exception {
        Path dir = LocalSpark.projectRoot().resolve("conf/networks");
        NetworkSpec mlp = parser.parse(Files.readString(dir.resolve("mlp-784-256-128-10.yaml")), "mlp");
        MultiLayerConfiguration conf = NetworkBuilder.build(mlp, 784, 10);
        assertThat(conf.getConfs()).hasSize(3);
        DenseLayer second = (DenseLayer) conf.getConf(1).getLayer();
        assertThat(second.getNIn()).isEqualTo(256);
        assertThat(second.getNOut()).isEqualTo(128);

        NetworkSpec cnn = parser.parse(Files.readString(dir.resolve("cnn-28x28.yaml")), "cnn");
        MultiLayerNetwork net = new MultiLayerNetwork(NetworkBuilder.build(cnn, 784, 10));
        net.init();
        assertThat(net.getLayer(0).conf().getLayer()).isInstanceOf(ConvolutionLayer.class);
        assertThat(net.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 784))
                        .shape())
                .containsExactly(2, 10);

        NetworkSpec reg = parser.parse(Files.readString(dir.resolve("regression-mlp.yaml")), "reg");
        OutputLayer out =
                (OutputLayer) NetworkBuilder.build(reg, 5, 1).getConf(2).getLayer();
        assertThat(out.getNOut()).isEqualTo(1);
        assertThat(out.getLossFn().toString()).contains("MSE");
    }

    @Test
    void everyErrorNamesTheField() {
        assertThatThrownBy(() -> parse("layers: [{type: dense, units: 0}]"))
                .isInstanceOf(SettingsException.class)
                .hasMessage("test.yaml: network.layers[0].units must be >= 1 but was 0");
        assertThatThrownBy(() -> parse("layers: [{type: dense}]"))
                .hasMessage("test.yaml: network.layers[0].units is required for a dense layer");
        assertThatThrownBy(() -> parse("layers: [{type: lstm, units: 3}]"))
                .hasMessage(
                        "test.yaml: network.layers[0].type must be one of [dense, conv, pool, dropout] but was \"lstm\"");
        assertThatThrownBy(() -> parse("layers: [{type: dense, units: 3, activaton: relu}]"))
                .hasMessageStartingWith("test.yaml: network.layers[0].activaton is not a known field");
        assertThatThrownBy(() -> parse("learningRate: -1\nlayers: []"))
                .hasMessage("test.yaml: network.learningRate must be between 1.0E-9 and 10.0 but was -1");
        assertThatThrownBy(() -> parse("updater: adagrad\nlayers: []"))
                .hasMessage("test.yaml: network.updater must be one of [adam, sgd, nesterovs] but was \"adagrad\"");
        assertThatThrownBy(() -> parse("layers: [{type: conv, filters: 4, kernel: [3]}]"))
                .hasMessage("test.yaml: network.layers[0].kernel must be a list of 2 positive integers but was [3]");
        assertThatThrownBy(() -> parse("layers: [{type: dense, units: 4, dropout: 1.5}]"))
                .hasMessage("test.yaml: network.layers[0].dropout must be between 0.0 and 0.99 but was 1.5");
        assertThatThrownBy(() -> parse("schedule: {type: cosine}\nlayers: []"))
                .hasMessage(
                        "test.yaml: network.schedule.type must be one of [none, exponential, step] but was \"cosine\"");
        assertThatThrownBy(() -> parse("layers: {type: dense}"))
                .hasMessageStartingWith("test.yaml: network.layers must be a list");
        assertThatThrownBy(() -> parse("layers: [ {")).hasMessageContaining("test.yaml is not valid YAML/JSON");
        assertThatThrownBy(() -> parse("layers: [{type: dense, units: 3, activation: swish}]"))
                .hasMessage("test.yaml: network.layers[0].activation must be one of "
                        + "[relu, tanh, sigmoid, leakyrelu, elu, identity, softplus] but was \"swish\"");
        assertThatThrownBy(() -> parse("layers: [{type: pool, pooling: 2}]"))
                .hasMessage("test.yaml: network.layers[0].pooling must be one of [max, avg] but was 2");
        assertThatThrownBy(() -> parse("head: ranking\nlayers: []"))
                .hasMessage("test.yaml: network.head must be one of [classification, regression] but was \"ranking\"");
    }

    @Test
    void builderChecksShapesAgainstTheData() {
        NetworkSpec conv = parse("input: [1, 8, 8]\nlayers: [{type: conv, filters: 2}]");
        assertThatThrownBy(() -> NetworkBuilder.build(conv, 63, 3))
                .hasMessage("network.input [1, 8, 8] holds 64 values but the data has 63 features");
        NetworkSpec flatConv = parse("layers: [{type: conv, filters: 2}]");
        assertThatThrownBy(() -> NetworkBuilder.build(flatConv, 64, 3))
                .hasMessageContaining("network.layers[0] is a conv layer, which needs an image input");
        assertThatThrownBy(() -> NetworkBuilder.build(parse("layers: []"), 4, 1))
                .hasMessage("a classification head needs at least 2 classes but the data has 1");
    }

    @Test
    void jsonIsAcceptedToo() {
        NetworkSpec spec = parse(
                "{\"updater\": \"sgd\", \"learningRate\": 0.1, \"layers\": [{\"type\": \"dense\", \"units\": 5}]}");
        assertThat(spec.updater()).isEqualTo(Updater.SGD);
        assertThat(spec.layers()).hasSize(1);
    }

    @Test
    void wordsBecomeTheirEnumsOnceCaseInsensitively() {
        NetworkSpec spec = parse("input: [1, 4, 4]\nhead: Regression\nupdater: NESTEROVS\n"
                + "schedule: {type: Exponential, decay: 0.9}\nlayers: [{type: Conv, filters: 2, activation: SoftPlus},"
                + " {type: pool, pooling: AVG}, {type: dropout}, {type: dense, units: 3, activation: identity}]");
        assertThat(spec.head()).isEqualTo(Head.REGRESSION);
        assertThat(spec.updater()).isEqualTo(Updater.NESTEROVS);
        assertThat(spec.schedule()).isEqualTo(Schedule.EXPONENTIAL);
        assertThat(spec.layers())
                .extracting(LayerSpec::type)
                .containsExactly(LayerType.CONV, LayerType.POOL, LayerType.DROPOUT, LayerType.DENSE);
        assertThat(spec.layers().get(0).activation()).isEqualTo(HiddenActivation.SOFTPLUS);
        assertThat(spec.layers().get(1).pooling()).isEqualTo(Pooling.AVG);
        assertThat(spec.layers().get(3).activation()).isEqualTo(HiddenActivation.IDENTITY);
        MultiLayerConfiguration conf = NetworkBuilder.build(spec, 16, 1);
        assertThat(((ConvolutionLayer) conf.getConf(0).getLayer())
                        .getActivationFn()
                        .toString())
                .isEqualTo("softplus");
    }
}
