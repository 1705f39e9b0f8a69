/** ONNX models: reading, checking and running ONNX graphs with ONNX Runtime, and writing Hearth's dense networks as ONNX. */
package dev.hearth.runtime.onnx;
