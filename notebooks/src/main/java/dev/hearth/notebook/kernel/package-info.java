/**
 * Hearth's Jupyter kernel: the Jupyter wire protocol from {@code org.dflib.jjava:jjava-jupyter}, Java evaluated by the
 * JDK's JShell inside the kernel JVM, magics, and the kernelspec writer. No Hearth logic lives here.
 */
package dev.hearth.notebook.kernel;
