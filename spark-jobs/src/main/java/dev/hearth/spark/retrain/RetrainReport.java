package dev.hearth.spark.retrain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a retrain decided and why: written as JSON with {@code --report} and summarised in one line.
 *
 * @param model model name
 * @param outcome the outcome
 * @param exitCode its exit code
 * @param message one sentence saying what happened
 * @param watermark the last retrain's watermark before this run (null: first retrain)
 * @param newPartitions partitions newer than the watermark
 * @param window partitions trained on
 * @param champion champion version evaluated against (null: none)
 * @param challenger published version (null when nothing was published)
 * @param reasons failed gate/infra rules (empty when passed)
 * @param checks every rule evaluated, passed or not
 * @param challengerMetrics challenger metrics on the evaluation set
 * @param championMetrics champion metrics on the same set (null: no champion)
 * @param infra infra-check measurements
 * @param significance the paired test of challenger against champion on the evaluation rows (null: no champion, or
 *     a regression model: the test is classification only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrainReport(
        String model,
        RetrainOutcome outcome,
        int exitCode,
        String message,
        String watermark,
        List<String> newPartitions,
        List<String> window,
        Integer champion,
        Integer challenger,
        List<String> reasons,
        List<String> checks,
        Map<String, Double> challengerMetrics,
        Map<String, Double> championMetrics,
        Map<String, Object> infra,
        Gate.Significance significance) {

    static RetrainReport early(
            String model, RetrainOutcome outcome, String message, String watermark, List<String> fresh) {
        return new RetrainReport(
                model,
                outcome,
                outcome.exitCode(),
                message,
                watermark,
                fresh,
                List.of(),
                null,
                null,
                List.of(),
                List.of(),
                null,
                null,
                null,
                null);
    }

    /** The one summary line the job prints. */
    public String summaryLine() {
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "retrain %s: %s (exit %d)",
                model,
                outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                exitCode));
        if (challenger != null) {
            b.append(" challenger ").append(model).append('/').append(challenger);
        }
        if (challengerMetrics != null) {
            b.append(headline(challengerMetrics));
        }
        if (champion != null) {
            b.append(" vs champion ").append(model).append('/').append(champion);
            if (championMetrics != null) {
                b.append(headline(championMetrics));
            }
            if (significance != null) {
                b.append(String.format(Locale.ROOT, " McNemar p %.4g", significance.pValue()));
            }
        }
        b.append(" - ").append(message);
        return b.toString();
    }

    /** Accuracy of a classifier, MSE of a regression model. */
    private static String headline(Map<String, Double> metrics) {
        return metrics.containsKey("accuracy")
                ? String.format(Locale.ROOT, " acc %.4f", metrics.get("accuracy"))
                : String.format(Locale.ROOT, " mse %.4f", metrics.get("mse"));
    }

    /** Pretty JSON. */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
