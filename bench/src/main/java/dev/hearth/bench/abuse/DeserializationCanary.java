package dev.hearth.bench.abuse;

import java.io.Serial;
import java.io.Serializable;

/**
 * Written with Java serialization into the {@code preprocessor.bin} entry of a tampered model zip. The class
 * exists only in the benchmark, not in the server: a server that deserializes the entry fails to resolve it, and
 * its name in the server's log is the proof that attacker-supplied bytes reached {@code ObjectInputStream}. With
 * a real gadget class in its place that would have been code execution.
 */
public final class DeserializationCanary implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Text the canary carries, so its bytes are recognisable in a dump. */
    private final String note = "hearth abuse suite: this object must never be deserialized by a server";

    @Override
    public String toString() {
        return note;
    }
}
