/**
 * Test fixtures shared by Hearth's modules (consumed at test scope; bench at compile scope): {@link
 * dev.hearth.testing.ChildProcess} (the one child-process launcher), {@link dev.hearth.testing.Processes},
 * {@link dev.hearth.testing.HearthBuild} and {@link dev.hearth.testing.Poll}. No production code may depend on it.
 */
package dev.hearth.testing;
