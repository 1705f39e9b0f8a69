package dev.hearth.serving.http;

import java.util.List;

/**
 * A validated Open Inference Protocol v2 request: {@code rows} rows of raw features, row-major.
 *
 * @param id request id to echo, or null
 * @param inputName the input tensor's name
 * @param rows number of rows
 * @param features {@code rows * featureCount} values
 * @param outputs requested output names; empty means all
 */
public record InferenceRequest(String id, String inputName, int rows, float[] features, List<String> outputs) {}
