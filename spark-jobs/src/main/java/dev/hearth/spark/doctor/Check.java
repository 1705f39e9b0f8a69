package dev.hearth.spark.doctor;

/**
 * One pre-flight check's outcome.
 *
 * @param name what was checked
 * @param status {@code OK}, {@code WARN} or {@code FAIL}
 * @param detail what was found
 * @param fix how to fix it (empty when OK)
 */
public record Check(String name, Status status, String detail, String fix) {
    /** Verdicts, worst last. */
    public enum Status {
        OK,
        WARN,
        FAIL
    }

    static Check ok(String name, String detail) {
        return new Check(name, Status.OK, detail, "");
    }
}
