package dev.hearth.spark.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hearth.config.SettingsException;
import dev.hearth.store.ModelNames;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quartz.CronExpression;

/**
 * {@code conf/schedules.yaml}: where the scheduler keeps its state and one entry per model.
 *
 * @param stateDir directory of the run log and the last-fire files (survives restarts)
 * @param schedules one entry per model
 */
public record ScheduleConfig(String stateDir, List<Entry> schedules) {

    /**
     * One model's schedule.
     *
     * @param model model name (one entry per model)
     * @param cron Quartz cron expression, seconds first: {@code "0 0 3 * * ?"} = 03:00 every day
     * @param timeZone explicit IANA time zone the cron expression is read in, e.g. {@code Europe/Berlin}
     * @param command the argv launched per fire, e.g. {@code [bin/hearth, retrain, --config, conf/retrain.properties]};
     *     {@code {model}} and {@code {fireTime}} are substituted
     * @param misfire what a restarted scheduler does about fires it missed: {@code run-once} or {@code skip}
     */
    public record Entry(String model, String cron, String timeZone, List<String> command, String misfire) {
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
                throw new SettingsException("schedules[" + model + "].misfire must be run-once or skip but was '"
                        + misfire + "'");
            }
        }

        /** The misfire policy, {@code run-once} by default. */
        public boolean runMissedOnce() {
            return misfire == null || misfire.equals("run-once");
        }
    }

    /** Replaces {@code ${NAME}} by the environment variable or, failing that, the system property. */
    static String expand(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}").matcher(value);
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
        c = new ScheduleConfig(expand(c.stateDir()), c.schedules() == null ? List.of() : c.schedules());
        Set<String> seen = new HashSet<>();
        for (Entry e : c.schedules() == null ? List.<Entry>of() : c.schedules()) {
            e.validate();
            if (!seen.add(e.model())) {
                throw new SettingsException("model '" + e.model() + "' has two entries in " + file
                        + "; one entry per model");
            }
        }
        return c;
    }
}
