package dev.hearth.serving.rollout;

import dev.hearth.store.ShadowSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This replica's shadow counts per model and pair of versions, exported as metrics ({@code hearth_shadow_agreement},
 * {@code hearth_shadow_mean_abs_diff}, {@code hearth_shadow_requests_total}, {@code hearth_shadow_failed_total},
 * {@code hearth_shadow_dropped_total}) and turned into the {@link ShadowSummary} the replica persists. Labels are
 * served model names and versions that actually answered, so their number stays small.
 */
public final class ShadowStats {
    private record Key(String model, int primary, int shadow) {}

    /** Counts of one pair, updated under its own monitor (a shadow thread at a time; reads take a copy). */
    private static final class Counts {
        boolean regression;
        long requests;
        long rows;
        long agreeing;
        double absDiffSum;
        long values;
        long failed;

        synchronized ShadowSummary.Pair pair(Key k) {
            return new ShadowSummary.Pair(
                    k.primary, k.shadow, regression, requests, rows, agreeing, absDiffSum, values, failed);
        }

        synchronized double agreement() {
            return rows == 0 ? Double.NaN : (double) agreeing / rows;
        }

        synchronized double meanAbsDiff() {
            return values == 0 ? Double.NaN : absDiffSum / values;
        }

        synchronized double requests() {
            return requests;
        }

        synchronized double failed() {
            return failed;
        }
    }

    private final MeterRegistry meters;
    private final Map<Key, Counts> pairs = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();

    public ShadowStats(MeterRegistry meters) {
        this.meters = meters;
    }

    private Counts counts(String model, int primary, int shadow) {
        return pairs.computeIfAbsent(new Key(model, primary, shadow), k -> {
            Counts c = new Counts();
            String[] tags = {
                "model", k.model, "primary", Integer.toString(k.primary), "shadow", Integer.toString(k.shadow)
            };
            Gauge.builder("hearth.shadow.agreement", c, Counts::agreement)
                    .tags(tags)
                    .description("share of shadowed rows whose argmax agreed with the primary's")
                    .register(meters);
            Gauge.builder("hearth.shadow.mean.abs.diff", c, Counts::meanAbsDiff)
                    .tags(tags)
                    .description("mean absolute difference of shadowed regression outputs")
                    .register(meters);
            FunctionCounter.builder("hearth.shadow.requests", c, Counts::requests)
                    .tags(tags)
                    .description("shadow requests compared")
                    .register(meters);
            FunctionCounter.builder("hearth.shadow.failed", c, Counts::failed)
                    .tags(tags)
                    .description("shadow requests that failed")
                    .register(meters);
            return c;
        });
    }

    private AtomicLong droppedOf(String model) {
        return dropped.computeIfAbsent(model, m -> {
            AtomicLong n = new AtomicLong();
            FunctionCounter.builder("hearth.shadow.dropped", n, AtomicLong::doubleValue)
                    .tag("model", m)
                    .description("shadow requests dropped because the shadow queue was full")
                    .register(meters);
            return n;
        });
    }

    /** Records one compared classification request. */
    public void classified(String model, int primary, int shadow, int rows, int agreeing) {
        Counts c = counts(model, primary, shadow);
        synchronized (c) {
            c.requests++;
            c.rows += rows;
            c.agreeing += agreeing;
        }
    }

    /** Records one compared regression request. */
    public void regressed(String model, int primary, int shadow, int rows, double absDiffSum, int values) {
        Counts c = counts(model, primary, shadow);
        synchronized (c) {
            c.regression = true;
            c.requests++;
            c.rows += rows;
            c.absDiffSum += absDiffSum;
            c.values += values;
        }
    }

    /** Records a shadow request that failed (not compared). */
    public void failed(String model, int primary, int shadow) {
        Counts c = counts(model, primary, shadow);
        synchronized (c) {
            c.failed++;
        }
    }

    /** Records a shadow request dropped before it ran. */
    public void dropped(String model) {
        droppedOf(model).incrementAndGet();
    }

    /** Continues from what this replica persisted before a restart (its own summary file). */
    public void resume(ShadowSummary previous) {
        droppedOf(previous.model()).addAndGet(previous.dropped());
        for (ShadowSummary.Pair p : previous.pairs()) {
            Counts c = counts(previous.model(), p.primary(), p.shadow());
            synchronized (c) {
                c.regression |= p.regression();
                c.requests += p.requests();
                c.rows += p.rows();
                c.agreeing += p.agreeingRows();
                c.absDiffSum += p.absDiffSum();
                c.values += p.values();
                c.failed += p.failed();
            }
        }
    }

    /** Models with any count. */
    public List<String> models() {
        List<String> out = new ArrayList<>(dropped.keySet());
        pairs.keySet().forEach(k -> {
            if (!out.contains(k.model)) {
                out.add(k.model);
            }
        });
        return out;
    }

    /** This replica's summary of {@code model}, pairs ordered by versions. */
    public ShadowSummary summary(String model, String replica) {
        List<ShadowSummary.Pair> out = new ArrayList<>();
        pairs.forEach((k, c) -> {
            if (k.model.equals(model)) {
                out.add(c.pair(k));
            }
        });
        out.sort((a, b) -> a.primary() != b.primary()
                ? Integer.compare(a.primary(), b.primary())
                : Integer.compare(a.shadow(), b.shadow()));
        AtomicLong d = dropped.get(model);
        return new ShadowSummary(model, replica, System.currentTimeMillis(), d == null ? 0 : d.get(), out);
    }
}
