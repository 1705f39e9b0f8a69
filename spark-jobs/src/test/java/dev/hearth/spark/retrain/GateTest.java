package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.retrain.ChampionChallengerEvaluator.Discordant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The gate's margin, tie, significance and zero-support rules. */
class GateTest {
    private static final List<String> LABELS = List.of("a", "b");
    private static final Map<String, Double> CHAMPION = metrics(0.900, 0.9, 0.9);

    private static Map<String, Double> metrics(double accuracy, double recallA, double recallB) {
        return Map.of(
                "accuracy",
                accuracy,
                "f1",
                accuracy,
                "recall.a",
                recallA,
                "recall.b",
                recallB,
                "support.a",
                50.0,
                "support.b",
                50.0);
    }

    private static Gate gate(OptionalDouble absolute, OptionalDouble relative, double significance) {
        return new Gate(new Gate.Thresholds("accuracy", 0, 0, new Gate.Margins(absolute, relative), 1.0, significance));
    }

    private static OptionalDouble of(double v) {
        return OptionalDouble.of(v);
    }

    private static final OptionalDouble UNSET = OptionalDouble.empty();

    @Test
    void negativeAbsoluteMarginIsATolerance() {
        Gate g = gate(of(-0.005), UNSET, 0);
        // 0.4 points worse: accepted
        assertThat(g.judge(metrics(0.896, 0.9, 0.9), CHAMPION, LABELS).passed()).isTrue();
        // exactly 0.5 points worse (0.895 - 0.900 is -0.00500000000000000444 in binary): accepted
        assertThat(g.judge(metrics(0.895, 0.9, 0.9), CHAMPION, LABELS).passed()).isTrue();
        // 0.6 points worse: rejected, naming delta and requirement
        Gate.Verdict worse = g.judge(metrics(0.894, 0.9, 0.9), CHAMPION, LABELS);
        assertThat(worse.passed()).isFalse();
        assertThat(worse.failures())
                .singleElement()
                .asString()
                .contains("delta -0.0060")
                .contains("required >= -0.0050");
        // a tie is fine under a tolerance
        assertThat(g.judge(metrics(0.900, 0.9, 0.9), CHAMPION, LABELS).passed()).isTrue();
    }

    @Test
    void negativeRelativeMarginAloneIsHonoured() {
        // -1% of 0.9 = -0.009
        Gate g = gate(UNSET, of(-0.01), 0);
        assertThat(g.judge(metrics(0.892, 0.9, 0.9), CHAMPION, LABELS).passed()).isTrue();
        assertThat(g.judge(metrics(0.890, 0.9, 0.9), CHAMPION, LABELS).failures())
                .singleElement()
                .asString()
                .contains("required >= -0.0090");
    }

    @Test
    void bothMarginsAreHonouredSoTheStricterDecides() {
        // absolute -0.005, relative -1% (-0.009): both must hold, so -0.005 decides
        Gate tolerant = gate(of(-0.005), of(-0.01), 0);
        assertThat(tolerant.judge(metrics(0.896, 0.9, 0.9), CHAMPION, LABELS).passed())
                .isTrue();
        assertThat(tolerant.judge(metrics(0.893, 0.9, 0.9), CHAMPION, LABELS).passed())
                .isFalse();
        // absolute +0.01, relative +2% (0.018): 0.018 decides
        Gate strict = gate(of(0.01), of(0.02), 0);
        assertThat(strict.judge(metrics(0.915, 0.9, 0.9), CHAMPION, LABELS).failures())
                .singleElement()
                .asString()
                .contains("required >= +0.0180");
        assertThat(strict.judge(metrics(0.918, 0.9, 0.9), CHAMPION, LABELS).passed())
                .isTrue();
        // a negative absolute margin is not swallowed by a relative margin of 0
        Gate mixed = gate(of(-0.005), of(0), 0);
        assertThat(mixed.judge(metrics(0.899, 0.9, 0.9), CHAMPION, LABELS).passed())
                .isFalse();
    }

    @Test
    void aZeroMarginRejectsATie() {
        for (Gate g : List.of(gate(UNSET, UNSET, 0), gate(of(0), UNSET, 0), gate(UNSET, of(0), 0))) {
            Gate.Verdict tie = g.judge(metrics(0.900, 0.9, 0.9), CHAMPION, LABELS);
            assertThat(tie.passed()).isFalse();
            assertThat(tie.failures())
                    .singleElement()
                    .asString()
                    .contains("required > 0: strictly better, a tie is rejected");
            assertThat(g.judge(metrics(0.901, 0.9, 0.9), CHAMPION, LABELS).passed())
                    .isTrue();
        }
    }

    @Test
    void significanceIsRequiredWhenSetAndReportedAlways() {
        Gate required = gate(UNSET, UNSET, 0.05);
        // 10 discordant rows, 9 in the challenger's favour: p = 22/1024 = 0.0215 < 0.05
        Gate.Verdict significant = required.judge(metrics(0.91, 0.9, 0.9), CHAMPION, LABELS, new Discordant(9, 1));
        assertThat(significant.passed()).isTrue();
        assertThat(significant.significance().pValue()).isEqualTo(McNemar.pValue(9, 1));
        assertThat(significant.significance().challengerOnlyRight()).isEqualTo(9);
        assertThat(significant.significance().championOnlyRight()).isEqualTo(1);
        assertThat(significant.checks()).anyMatch(c -> c.startsWith("McNemar exact p 0.02148 < 0.05"));
        // 2 vs 8 rows: p = 0.109, better but possibly noise
        Gate.Verdict noise = required.judge(metrics(0.906, 0.9, 0.9), CHAMPION, LABELS, new Discordant(8, 2));
        assertThat(noise.passed()).isFalse();
        assertThat(noise.failures()).singleElement().asString().contains(">= 0.05: the difference may be noise");
        // significant, but for the champion (with a tolerance that lets the margin rule pass)
        Gate.Verdict wrongWay =
                gate(of(-0.1), UNSET, 0.05).judge(metrics(0.89, 0.9, 0.9), CHAMPION, LABELS, new Discordant(1, 9));
        assertThat(wrongWay.failures()).singleElement().asString().contains("in the champion's favour");
        // required but nothing to test with: fail closed
        assertThat(required.judge(metrics(0.95, 0.9, 0.9), CHAMPION, LABELS).failures())
                .singleElement()
                .asString()
                .contains("no paired predictions");
        // not required: computed, reported, not judged
        Gate.Verdict off =
                gate(UNSET, UNSET, 0).judge(metrics(0.906, 0.9, 0.9), CHAMPION, LABELS, new Discordant(8, 2));
        assertThat(off.passed()).isTrue();
        assertThat(off.significance().pValue()).isEqualTo(112.0 / 1024);
        assertThat(off.checks()).anyMatch(c -> c.contains("not required"));
        // no champion: nothing to pair
        assertThat(required.judge(metrics(0.95, 0.9, 0.9), null, LABELS).significance())
                .isNull();
    }

    @Test
    void zeroSupportClassesAreLeftOutOfTheRecallRule() {
        Gate g = new Gate(new Gate.Thresholds("accuracy", 0, 0, Gate.Margins.none(), 0.05, 0));
        Map<String, Double> champion = Map.of(
                "accuracy", 0.9, "f1", 0.9, "recall.a", 0.9, "recall.b", 0.0, "support.a", 100.0, "support.b", 0.0);
        Map<String, Double> challenger = Map.of(
                "accuracy", 0.95, "f1", 0.95, "recall.a", 0.95, "recall.b", 0.0, "support.a", 100.0, "support.b", 0.0);
        Gate.Verdict v = g.judge(challenger, champion, LABELS);
        assertThat(v.passed()).isTrue();
        assertThat(v.checks())
                .contains("macro averages over 1 of 2 classes; no evaluation rows for [b]")
                .contains("per-class recall drop limit 0.0500 checked on 1 classes");
    }
}
