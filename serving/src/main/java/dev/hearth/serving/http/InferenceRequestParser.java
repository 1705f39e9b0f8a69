package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates inference requests against a model's signature as their bodies stream in: Open Inference
 * Protocol v2 ({@link StreamingRequestReader}) and TF-Serving-style instances ({@link InstancesReader}). No body is
 * buffered whole and none becomes a JSON tree; values are stored only as they arrive, charged to the request's
 * {@link RequestBytes}. Every failure names the field, the value and the rule.
 */
public final class InferenceRequestParser {
    /** Output tensor names a model answers with. */
    public static final String PROBABILITIES = Dl4jPredictor.PROBABILITIES;

    public static final String LABEL = "label";

    /**
     * The output tensors a model answers with: {@code probabilities} and {@code label} for a classifier, one FP32
     * tensor named after the target ({@link Signature#valueOutputName()}) for a regression model.
     */
    static List<String> outputNames(Signature signature) {
        return signature.isRegression() ? List.of(signature.valueOutputName()) : List.of(PROBABILITIES, LABEL);
    }

    /** Longest string value (id, names) read from a request; longer ones are refused, not buffered. */
    static final int MAX_STRING_CHARS = 65_536;

    private static final Set<String> DATATYPES = Set.of("FP32", "FP64", "INT32", "INT64", "FP16", "INT16", "INT8");

    /** Reads one request from a parser. */
    private interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    private final JsonFactory factory;
    private final StreamingRequestReader v2;
    private final InstancesReader v1;
    private final TensorRequestReader tensors;

    /** @param maxRows most rows one request may carry */
    public InferenceRequestParser(int maxRows) {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_CHARS)
                        .build())
                // A duplicate field could otherwise replace one already read (and its buffer) mid-request.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                // Field names are the caller's strings: not into the JVM's string table.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
        this.v2 = new StreamingRequestReader(DATATYPES, maxRows);
        this.v1 = new InstancesReader(maxRows);
        this.tensors = new TensorRequestReader(maxRows);
    }

    /** Parses an Open Inference Protocol v2 request from {@code body} for a model with {@code signature}. */
    InferenceRequest parse(InputStream body, Signature signature, RequestBytes account) {
        return read(body, p -> v2.read(p, signature, account));
    }

    /** Parses a TF-Serving-style {@code {"instances": [[f0, f1, ...], ...]}} request. */
    InferenceRequest parseInstances(InputStream body, Signature signature, RequestBytes account) {
        return read(body, p -> v1.read(p, signature, account));
    }

    /**
     * Parses an Open Inference Protocol v2 request for a model with named tensor inputs (a signature that is not
     * the feature-rows kind, such as an imported ONNX graph).
     */
    TensorRequest parseTensors(InputStream body, Signature signature, RequestBytes account) {
        return read(body, p -> tensors.read(p, signature, account));
    }

    private <T> T read(InputStream body, Reader<T> reader) {
        try (JsonParser p = factory.createParser(body)) {
            return reader.read(p);
        } catch (StreamConstraintsException e) {
            throw new BadRequestException("request body exceeds a parser limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new BadRequestException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("the request body could not be read (" + e.getMessage() + ")");
        }
    }
}
