/**
 * The abuse suite ({@code bench/run --only abuse}, {@code AbuseIT}): a real model server started as
 * {@code bin/hearth serve} starts it, hostile loads on loopback while well-behaved clients keep sending valid
 * requests, and the figures (status counts, memory, {@code /metrics} size, client success and p99, readiness,
 * store state after killed store commands) with a PASS/FAIL per target. Nothing here reaches into the server's
 * process: it is measured from outside (HTTP, {@code /proc}, JMX, its log), so the suite measures whatever server
 * it is given.
 */
package dev.hearth.bench.abuse;
