package dev.hearth.bench.abuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the abuse suite measured.
 *
 * @param setup how the run was set up (profile, server, model, tokens' scopes, seed)
 * @param loads one report per hostile load, in the order they ran
 */
public record AbuseReport(Map<String, Object> setup, List<LoadReport> loads) {
    /** Every failed target, as {@code load id: target (measured)}. */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        for (LoadReport l : loads) {
            for (LoadReport.Target t : l.failed()) {
                out.add(l.id() + " " + l.title() + ": " + t.name() + " (" + t.measured() + ")");
            }
        }
        return out;
    }

    /** The report of load {@code id}. */
    public LoadReport load(String id) {
        return loads.stream()
                .filter(l -> l.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no load " + id));
    }

    /** JSON-ready results. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(setup);
        List<Map<String, Object>> l = new ArrayList<>();
        int targets = 0;
        for (LoadReport r : loads) {
            l.add(r.toMap());
            targets += (int) r.targets().stream()
                    .filter(t -> t.verdict() != LoadReport.Verdict.NOT_APPLICABLE)
                    .count();
        }
        m.put("loads", l);
        m.put("targetsJudged", targets);
        m.put("targetsFailed", failures().size());
        m.put("failures", failures());
        return m;
    }
}
