package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.store.Signature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming hot path accepts exactly the valid requests, in any field order, with the tree parser's values. */
class InferenceRequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Signature SIGNATURE = TestModels.signature();
    private static final InferenceRequestParser PARSER = new InferenceRequestParser(JSON, 3);
    private static final StreamingRequestReader STREAMING = new StreamingRequestReader(JSON,
            Set.of("FP32", "FP64", "INT32", "INT64", "FP16", "INT16", "INT8"));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":\"a\",\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[1,2.5,-3e2,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"data\":[[1,2.5,-3e2,4],[5,6,7,8]],\"datatype\":\"FP32\",\"shape\":[2,4],\"name\":\"input\"}],\"id\":\"a\"}",
        "{\"parameters\":{\"x\":[1,{\"y\":2}]},\"id\":\"a\",\"inputs\":[{\"name\":\"input\",\"parameters\":{\"binary\":false},"
                + "\"shape\":[2,4],\"datatype\":\"FP64\",\"data\":[1,2.5,-300.0,4,5,6,7,8]}],\"outputs\":null}"
    })
    void readsValidRequestsInAnyFieldOrder(String body) {
        assertThat(STREAMING.read(bytes(body), SIGNATURE, 3)).isNotNull();
        InferenceRequest r = PARSER.parse(bytes(body), SIGNATURE);
        assertThat(r.id()).isEqualTo("a");
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.features()).containsExactly(1f, 2.5f, -300f, 4f, 5f, 6f, 7f, 8f);
        assertThat(r.outputs()).isEmpty();
    }

    @Test
    void keepsRequestedOutputsAndIntegerTypes() {
        String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"INT64\","
                + "\"data\":[1,2,3,9007199254740993]}],\"outputs\":[{\"name\":\"label\"}],\"id\":null}";
        assertThat(STREAMING.read(bytes(body), SIGNATURE, 3)).isNotNull();
        InferenceRequest r = PARSER.parse(bytes(body), SIGNATURE);
        assertThat(r.id()).isNull();
        assertThat(r.features()).containsExactly(1f, 2f, 3f, (float) 9007199254740993L);
        assertThat(r.outputs()).isEqualTo(List.of("label"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,5]}]}",
        "{\"inputs\":[{\"data\":[1,2,3],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,true],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,1e39],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,4.5],\"name\":\"input\",\"datatype\":\"INT32\",\"shape\":[1,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[4,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1,4]}]}",
        "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}],\"id\":7}",
        "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]",
        "[]"
    })
    void leavesEveryInvalidRequestToTheValidatingParser(String body) {
        assertThat(STREAMING.read(bytes(body), SIGNATURE, 3)).isNull();
        assertThatThrownBy(() -> PARSER.parse(bytes(body), SIGNATURE)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void reportsTheFirstProblemInCheckOrderWhateverTheFieldOrder() {
        String body = "{\"inputs\":[{\"data\":[1,\"x\",3],\"datatype\":\"FP32\",\"shape\":[1],\"name\":\"input\"}]}";
        assertThatThrownBy(() -> PARSER.parse(bytes(body), SIGNATURE)).hasMessageContaining("shape must be [rows, 4]");
    }

    @Test
    void rejectsAnUnknownOutputOfAnOtherwiseValidRequest() {
        String body = "{\"outputs\":[{\"name\":\"logits\"}],\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],"
                + "\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";
        assertThatThrownBy(() -> PARSER.parse(bytes(body), SIGNATURE)).hasMessageContaining("'logits' is not an output");
    }
}
