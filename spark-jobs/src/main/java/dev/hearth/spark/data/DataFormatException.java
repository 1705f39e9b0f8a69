package dev.hearth.spark.data;

/** Input data breaks a rule; the message names the file, the row, the value and the rule. */
public class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }
}
