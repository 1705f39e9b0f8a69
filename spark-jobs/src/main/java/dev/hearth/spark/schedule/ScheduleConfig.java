package dev.hearth.spark.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hearth.config.SettingsException;
import dev.hearth.store.ModelNames;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * {@code conf/schedules.yaml}: where the scheduler keeps its state and one entry per model.
 *
 * @param stateDir directory of the run log and the last-fire files (survives restarts)
 * @param killGrace time a timed-out run gets between SIGTERM and SIGKILL, e.g. {@code 30s}; default
 *     {@link #DEFAULT_KILL_GRACE}
 * @param schedules one entry per model
 */
public record ScheduleConfig(String stateDir, String killGrace, List<Entry> schedules) {
    /** A run without its own {@code timeout} is stopped after this long (the retrain store lock's TTL). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);
    /** Time between SIGTERM and SIGKILL when {@code killGrace} is not set. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(30);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    /**
     * One model's schedule.
     *
     * @param model model name (one entry per model)
     * @param cron Quartz cron expression, seconds first: {@code "0 0 3 * * ?"} = 03:00 every day
     * @param timeZone explicit IANA time zone the cron expression is read in, e.g. {@code Europe/Berlin}
     * @param command the argv launched per fire, e.g. {@code [bin/hearth, retrain, --config, conf/retrain.properties]};
     *     {@code {model}} and {@code {fireTime}} are substituted
     * @param misfire what a restarted scheduler does about fires it missed: {@code run-once} or {@code skip}
     * @param timeout how long a run may take before it and its descendants are killed, e.g. {@code 2h};
     *     default {@link #DEFAULT_TIMEOUT}
     */
    public record Entry(
            String model, String cron, String timeZone, List<String> command, String misfire, String timeout) {
        void validate() {
            ModelNames.validate("schedules[].model", model);
            if (cron == null || !CronExpression.isValidExpression(cron)) {
                throw new SettingsException("schedules[" + model + "].cron must be a Quartz cron expression"
                        + " (sec min hour day month weekday) but was '" + cron + "'");
            }
            if (timeZone == null || timeZone.isBlank()) {
                throw new SettingsException("schedules[" + model + "].timeZone is required (e.g. UTC, Europe/Berlin)");
            }
            try {
                ZoneId.of(timeZone);
            } catch (RuntimeException e) {
                throw new SettingsException("schedules[" + model + "].timeZone '" + timeZone + "' is not a time zone");
            }
            if (command == null || command.isEmpty()) {
                throw new SettingsException("schedules[" + model + "].command must list the program and its arguments");
            }
            if (misfire != null && !List.of("run-once", "skip").contains(misfire)) {
                throw new SettingsException(
                        "schedules[" + model + "].misfire must be run-once or skip but was '" + misfire + "'");
            }
            timeoutDuration();
        }

        /** The run timeout, {@link #DEFAULT_TIMEOUT} when not set. */
        public Duration timeoutDuration() {
            return timeout == null ? DEFAULT_TIMEOUT : duration("schedules[" + model + "].timeout", timeout);
        }

        /** The misfire policy, {@code run-once} by default. */
        public boolean runMissedOnce() {
            return misfire == null || misfire.equals("run-once");
        }
    }

    /** The SIGTERM-to-SIGKILL grace of timed-out runs, {@link #DEFAULT_KILL_GRACE} when not set. */
    public Duration killGraceDuration() {
        return killGrace == null ? DEFAULT_KILL_GRACE : duration("killGrace", killGrace);
    }

    /** Parses {@code <number><unit>} with unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; above zero. */
    static Duration duration(String field, String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new SettingsException(field + " must be a positive duration like 90s, 45m, 2h or 1d (number and"
                    + " unit ms|s|m|h|d) but was '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** {@code d} in the notation {@link #duration} reads, e.g. {@code 2h}, {@code 90s}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        for (var unit : List.of(
                java.util.Map.entry("d", 86_400_000L),
                java.util.Map.entry("h", 3_600_000L),
                java.util.Map.entry("m", 60_000L),
                java.util.Map.entry("s", 1_000L))) {
            if (ms % unit.getValue() == 0) {
                return ms / unit.getValue() + unit.getKey();
            }
        }
        return ms + "ms";
    }

    /** Replaces {@code ${NAME}} by the environment variable or, failing that, the system property. */
    static String expand(String value) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}").matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = System.getenv(m.group(1));
            if (v == null) {
                v = System.getProperty(m.group(1));
            }
            if (v == null) {
                throw new SettingsException("stateDir uses ${" + m.group(1) + "} but no such variable is set");
            }
            m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Reads and validates a schedules file. */
    public static ScheduleConfig load(Path file) {
        ScheduleConfig c;
        try {
            c = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), ScheduleConfig.class);
        } catch (IOException e) {
            throw new SettingsException("cannot read schedules file " + file + ": " + e.getMessage(), e);
        }
        if (c.stateDir() == null || c.stateDir().isBlank()) {
            throw new SettingsException("stateDir is required in " + file);
        }
        c = new ScheduleConfig(expand(c.stateDir()), c.killGrace(), c.schedules() == null ? List.of() : c.schedules());
        c.killGraceDuration();
        Set<String> seen = new HashSet<>();
        for (Entry e : c.schedules() == null ? List.<Entry>of() : c.schedules()) {
            e.validate();
            if (!seen.add(e.model())) {
                throw new SettingsException(
                        "model '" + e.model() + "' has two entries in " + file + "; one entry per model");
            }
        }
        return c;
    }
}
