package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.model.OverloadedException;
import dev.hearth.store.Signature;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming parser: valid requests in any field order, the first problem in check order whatever the field
 * order, and memory: what a request declares allocates nothing; values are stored (and charged) only as they arrive,
 * never beyond the declared rows within the row limit.
 */
class InferenceRequestParserTest {
    private static final Signature SIGNATURE = TestModels.signature();
    private static final InferenceRequestParser PARSER = new InferenceRequestParser(3);

    private static InputStream body(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RequestBytes account() {
        return new InFlight(1 << 20).account();
    }

    private static InferenceRequest parse(String body) {
        return PARSER.parse(body(body), SIGNATURE, account());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"id\":\"a\",\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[1,2.5,-3e2,4,5,6,7,8]}]}",
                "{\"inputs\":[{\"data\":[[1,2.5,-3e2,4],[5,6,7,8]],\"datatype\":\"FP32\",\"shape\":[2,4],\"name\":\"input\"}],\"id\":\"a\"}",
                "{\"parameters\":{\"x\":[1,{\"y\":2}]},\"id\":\"a\",\"inputs\":[{\"name\":\"input\",\"parameters\":{\"binary\":false},"
                        + "\"shape\":[2,4],\"datatype\":\"FP64\",\"data\":[1,2.5,-300.0,4,5,6,7,8]}],\"outputs\":null}"
            })
    void readsValidRequestsInAnyFieldOrder(String body) {
        InferenceRequest r = parse(body);
        assertThat(r.id()).isEqualTo("a");
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.features()).containsExactly(1f, 2.5f, -300f, 4f, 5f, 6f, 7f, 8f);
        assertThat(r.outputs()).isEmpty();
    }

    @Test
    void keepsRequestedOutputsAndIntegerTypes() {
        String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"INT64\","
                + "\"data\":[1,2,3,9007199254740993]}],\"outputs\":[{\"name\":\"label\"}],\"id\":null}";
        InferenceRequest r = parse(body);
        assertThat(r.id()).isNull();
        assertThat(r.features()).containsExactly(1f, 2f, 3f, (float) 9007199254740993L);
        assertThat(r.outputs()).isEqualTo(List.of("label"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,5]}]}|shape[1] is 5",
                "{\"inputs\":[{\"data\":[1,2,3],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}|has 3 values but shape needs 4",
                "{\"inputs\":[{\"data\":[1,2,3,true],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}|data[3] must be a number but was true",
                "{\"inputs\":[{\"data\":[1,2,3,1e39],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}|data[3] must be finite but was 1e39",
                "{\"inputs\":[{\"data\":[1,2,3,4.5],\"name\":\"input\",\"datatype\":\"INT32\",\"shape\":[1,4]}]}|data[3] must be an integer",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[4,4]}]}|shape[0] (rows) is 4 but the server accepts at most 3 (server.max.rows)",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}|name is 'x'",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1,4]}]}|datatype must be a numeric type",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}],\"id\":7}|'id' must be a string but was 7",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]|not valid JSON",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}],\"inputs\":[]}|Duplicate field 'inputs'",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[5000000000,4]}]}|shape must be [rows, 4] but was [5000000000,4]",
                "{\"inputs\":[{\"data\":[1,2,3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,2,3,4,5,6]}]}|but was [1,2,3,4,...]",
                "{\"inputs\":[{\"data\":[1,{\"a\":[1,2]},3,4],\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}|data[1] must be a number but was {...}",
                "{\"inputs\":[{\"name\":\"input\"},{\"name\":\"input\"}]}|'inputs' has 2 tensors",
                "[]|must be a JSON object with an 'inputs' array",
                "``|request body is empty"
            })
    void namesTheFieldTheValueAndTheRule(String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining(message);
    }

    @Test
    void reportsTheFirstProblemInCheckOrderWhateverTheFieldOrder() {
        String body = "{\"inputs\":[{\"data\":[1,\"x\",3],\"datatype\":\"FP32\",\"shape\":[1],\"name\":\"input\"}]}";
        assertThatThrownBy(() -> parse(body)).hasMessageContaining("shape must be [rows, 4]");
        String data =
                "{\"inputs\":[{\"data\":[1,2.5,\"x\",1e39],\"datatype\":\"INT8\",\"shape\":[1,4],\"name\":\"input\"}]}";
        assertThatThrownBy(() -> parse(data)).hasMessageContaining("data[1] must be an integer");
        String later =
                "{\"inputs\":[{\"data\":[1,2,3,4,1e39],\"datatype\":\"FP32\",\"shape\":[1,4],\"name\":\"input\"}]}";
        assertThatThrownBy(() -> parse(later)).hasMessageContaining("has 5 values but shape needs 4");
    }

    @Test
    void rejectsAnUnknownOutputOfAnOtherwiseValidRequest() {
        String body = "{\"outputs\":[{\"name\":\"logits\"}],\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],"
                + "\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";
        assertThatThrownBy(() -> parse(body)).hasMessageContaining("'logits' is not an output");
    }

    @Test
    void refusesStringsLongerThanTheLimitInsteadOfBufferingThem() {
        String body = "{\"id\":\"" + "x".repeat(InferenceRequestParser.MAX_STRING_CHARS + 1) + "\",\"inputs\":[]}";
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("exceeds a parser limit");
    }

    @Test
    void aShapeBombAllocatesNothing() {
        InferenceRequestParser parser = new InferenceRequestParser(10_000);
        RequestBytes account = account();
        String bomb =
                "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[65536,784],\"data\":[1,2,3]}]}";
        assertThatThrownBy(() -> parser.parse(body(bomb), SIGNATURE, account))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("inputs[0].shape[0] (rows) is 65536 but the server accepts at most 10000");
        assertThat(account.peak()).as("bytes of values ever held").isZero();
    }

    @Test
    void aDeclaredShapeWithinTheLimitAllocatesOnlyForValuesThatArrived() {
        InferenceRequestParser parser = new InferenceRequestParser(10_000);
        RequestBytes account = account();
        String bomb =
                "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[10000,4],\"data\":[1,2,3,4,5]}]}";
        assertThatThrownBy(() -> parser.parse(body(bomb), SIGNATURE, account))
                .hasMessageContaining("has 5 values but shape needs 40000");
        // One row, then two: 8 floats, against 40,000 had the shape been believed.
        assertThat(account.peak()).isEqualTo(4L * (4 + 8));
    }

    @Test
    void dataBeforeItsShapeIsStoredUpToTheRowLimitOnly() {
        RequestBytes account = account();
        StringBuilder data = new StringBuilder("1");
        for (int i = 1; i < 1000; i++) {
            data.append(",1");
        }
        String body =
                "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"data\":[" + data + "],\"shape\":[1000,4]}]}";
        assertThatThrownBy(() -> PARSER.parse(body(body), SIGNATURE, account))
                .hasMessageContaining("(rows) is 1000 but the server accepts at most 3");
        // 3 rows of 4 values at most, in arrays of 4, 8 and 12 values (one held while the next is filled).
        assertThat(account.peak()).isEqualTo(4L * (8 + 12));
    }

    @Test
    void valuesAreChargedAndTheRequestIsRefusedWhenTheBudgetIsExhausted() {
        InFlight budget = new InFlight(64);
        RequestBytes account = budget.account();
        String body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3,4],"
                + "\"data\":[1,2,3,4,5,6,7,8,9,10,11,12]}]}";
        assertThatThrownBy(() -> PARSER.parse(body(body), SIGNATURE, account))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("(server.max.inflight.bytes)");
        account.close();
        assertThat(budget.bytes()).isZero();
    }

    @Test
    void aValidRequestHoldsItsValuesUntilTheAccountCloses() {
        InFlight budget = new InFlight(1 << 20);
        String body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3,4],"
                + "\"data\":[1,2,3,4,5,6,7,8,9,10,11,12]}]}";
        try (RequestBytes account = budget.account()) {
            InferenceRequest r = PARSER.parse(body(body), SIGNATURE, account);
            assertThat(r.features()).hasSize(12);
            assertThat(budget.bytes()).isEqualTo(4L * 12);
        }
        assertThat(budget.bytes()).isZero();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"instances\":[]}|'instances' must be a non-empty array of rows",
                "{\"instances\":{}}|'instances' must be a non-empty array of rows",
                "{\"instances\":[[1,2,3,\"4\"]]}|instances[0][3] must be a number but was \"4\"",
                "{\"instances\":[[1,2,3,1e39]]}|instances[0][3] must be finite",
                "{\"instances\":[[1,2,3,4],[1,2,3]]}|instances[1] must be an array of 4 numbers but had 3",
                "{\"instances\":[[1,2,3,4],7]}|instances[1] must be an array of 4 numbers but was 7",
                "{\"instances\":[[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4]]}|'instances' has 4 rows but the server accepts at most 3 (server.max.rows)",
                "[1]|must be a JSON object with an 'instances' array"
            })
    void instancesNameTheFieldTheValueAndTheRule(String body, String message) {
        assertThatThrownBy(() -> PARSER.parseInstances(body(body), SIGNATURE, account()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining(message);
    }

    @Test
    void instancesAreReadRowByRow() {
        InferenceRequest r = PARSER.parseInstances(
                body("{\"x\":{\"y\":[1]},\"instances\":[[1,2,3,4],[5,6,7.5,8]]}"), SIGNATURE, account());
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.features()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f, 7.5f, 8f);
    }

    @Test
    void instancesStoreNoMoreThanTheRowLimitTimesTheWidth() {
        RequestBytes account = account();
        String wide = "[" + "1,".repeat(100_000) + "1]";
        String body = "{\"instances\":[" + wide + "," + wide + "," + wide + "," + wide + "]}";
        assertThatThrownBy(() -> PARSER.parseInstances(body(body), SIGNATURE, account))
                .hasMessageContaining("'instances' has 4 rows but the server accepts at most 3");
        assertThat(account.peak()).isEqualTo(4L * (8 + 12));
    }
}
