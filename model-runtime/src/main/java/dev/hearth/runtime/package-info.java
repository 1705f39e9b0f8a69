/** Running a stored model version: restoring it, verified, into a {@code Predictor} that turns tensors into tensors. */
package dev.hearth.runtime;
