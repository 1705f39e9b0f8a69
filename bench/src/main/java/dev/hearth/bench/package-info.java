/**
 * Benchmark drivers: each measures Hearth and its baseline in the same JVM run, alternating, after warm-up, and
 * reports medians, ranges and the ratio. No assertions on timings live here or in tests.
 */
package dev.hearth.bench;
