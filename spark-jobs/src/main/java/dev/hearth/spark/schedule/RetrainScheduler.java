package dev.hearth.spark.schedule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-lived Quartz scheduler that launches one child process per fire of each model's cron entry. Runs of the
 * same model never overlap ({@link DisallowConcurrentExecution} on one job per model; fires that come due while a
 * run is still going are coalesced into one run afterwards). Each run is appended to {@code <stateDir>/runs.log}
 * (model, scheduled fire time, start, end, exit code, outcome; tab-separated), and the last handled fire time is
 * kept in {@code <stateDir>/<model>.last-fire}, so a restarted scheduler knows which fires it missed while down:
 * with the {@code run-once} misfire policy it runs one catch-up run at start, with {@code skip} it waits for the
 * next fire.
 * Overlap across scheduler processes is prevented by the retrain job's store lock (exit 30). A run that takes
 * longer than its entry's {@code timeout} is stopped with its descendants ({@link ChildProcessRunner}: SIGTERM,
 * SIGKILL after {@code killGrace}); its line in the run log carries the child's own exit status and the outcome
 * {@code timed out}, and the schedule goes on with the next fire.
 */
public final class RetrainScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainScheduler.class);

    private final ScheduleConfig config;
    private final Scheduler scheduler;

    public RetrainScheduler(ScheduleConfig config) {
        this.config = config;
        Properties p = new Properties();
        // A unique name per instance: tests (and restarts in one JVM) get an independent scheduler.
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "hearth-retrain-" + UUID.randomUUID());
        p.setProperty(
                "org.quartz.threadPool.threadCount",
                Integer.toString(Math.max(1, config.schedules().size())));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        // Fires held back by a still-running run count as misfired after 1 s and are then coalesced (fire once now).
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        try {
            this.scheduler = new StdSchedulerFactory(p).getScheduler();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the scheduler: " + e.getMessage(), e);
        }
    }

    /** Schedules every entry, runs missed fires per their misfire policy, and starts firing. */
    public void start() throws SchedulerException, IOException {
        Path state = Path.of(config.stateDir());
        Files.createDirectories(state);
        for (ScheduleConfig.Entry e : config.schedules()) {
            JobDataMap data = new JobDataMap();
            data.put("model", e.model());
            data.put("command", String.join("\u0000", e.command()));
            data.put("stateDir", config.stateDir());
            data.put("timeoutMillis", Long.toString(e.timeoutDuration().toMillis()));
            data.put("killGraceMillis", Long.toString(config.killGraceDuration().toMillis()));
            JobDetail job = JobBuilder.newJob(RunJob.class)
                    .withIdentity(e.model(), "retrain")
                    .usingJobData(data)
                    .storeDurably()
                    .build();
            Instant missed = missedFire(e, state, Instant.now());
            TriggerBuilder<org.quartz.CronTrigger> builder = TriggerBuilder.newTrigger()
                    .withIdentity(e.model(), "retrain")
                    .withSchedule(CronScheduleBuilder.cronSchedule(e.cron())
                            .inTimeZone(TimeZone.getTimeZone(e.timeZone()))
                            .withMisfireHandlingInstructionFireAndProceed());
            if (missed != null) {
                // Starting the trigger at the missed fire makes Quartz see it as misfired: it fires once now
                // (coalescing every missed fire) and then proceeds on schedule.
                LOG.info(
                        "{}: fire at {} was missed while the scheduler was down; running it once now",
                        e.model(),
                        missed);
                builder.startAt(Date.from(missed));
            }
            Trigger trigger = builder.build();
            scheduler.scheduleJob(job, trigger);
            LOG.info(
                    "{}: cron '{}' in {}, timeout {} -> next fire {}",
                    e.model(),
                    e.cron(),
                    e.timeZone(),
                    ScheduleConfig.format(e.timeoutDuration()),
                    trigger.getFireTimeAfter(new Date()));
        }
        scheduler.start();
    }

    /**
     * The latest fire of {@code e} after its last handled one and strictly before {@code now}, when the policy runs
     * missed fires; else null.
     */
    static Instant missedFire(ScheduleConfig.Entry e, Path state, Instant now) throws IOException {
        Path last = state.resolve(e.model() + ".last-fire");
        if (!e.runMissedOnce() || !Files.exists(last)) {
            return null;
        }
        try {
            CronExpression cron = new CronExpression(e.cron());
            cron.setTimeZone(TimeZone.getTimeZone(e.timeZone()));
            Date t = Date.from(Instant.parse(Files.readString(last).strip()));
            Date latest = null;
            for (Date next = cron.getNextValidTimeAfter(t);
                    next != null && next.before(Date.from(now));
                    next = cron.getNextValidTimeAfter(next)) {
                latest = next;
            }
            return latest == null ? null : latest.toInstant();
        } catch (java.text.ParseException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Stops firing; with {@code waitForRuns}, waits for running child processes to finish. */
    public void stop(boolean waitForRuns) {
        try {
            scheduler.shutdown(waitForRuns);
        } catch (SchedulerException e) {
            LOG.warn("scheduler shutdown: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        stop(true);
    }

    /** One fire: launch the command, wait, log the exit code. */
    @DisallowConcurrentExecution
    public static final class RunJob implements Job {
        @Override
        public void execute(JobExecutionContext ctx) {
            JobDataMap d = ctx.getMergedJobDataMap();
            String model = d.getString("model");
            // For a coalesced (misfired) fire Quartz reports the time it actually fired.
            String fire = ctx.getScheduledFireTime().toInstant().toString();
            Path state = Path.of(d.getString("stateDir"));
            List<String> argv = new ArrayList<>();
            for (String a : d.getString("command").split("\u0000")) {
                argv.add(a.replace("{model}", model).replace("{fireTime}", fire));
            }
            Duration timeout = Duration.ofMillis(Long.parseLong(d.getString("timeoutMillis")));
            ChildProcessRunner runner =
                    new ChildProcessRunner(Duration.ofMillis(Long.parseLong(d.getString("killGraceMillis"))));
            Instant start = Instant.now();
            int code;
            String outcome;
            try {
                ChildProcessRunner.Outcome o = runner.run(argv, timeout);
                code = o.exitCode();
                if (o.timedOut()) {
                    outcome = "timed out after " + ScheduleConfig.format(timeout) + "; killed";
                    LOG.error(
                            "{}: run for fire {} (pid {}) passed its timeout {}: stopped it and its descendants"
                                    + " ({} processes, {}); it exited {}",
                            model,
                            fire,
                            o.pid(),
                            ScheduleConfig.format(timeout),
                            o.processesSignalled(),
                            o.forced() ? "SIGKILL after the grace period" : "SIGTERM",
                            code);
                } else {
                    outcome = outcome(code);
                    LOG.info("{}: run for fire {} exited {} ({})", model, fire, code, outcome);
                }
            } catch (IOException e) {
                LOG.error("{}: cannot launch {}: {}", model, argv, e.getMessage());
                code = -1;
                outcome = "not launched";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = -2;
                outcome = "interrupted; killed";
            }
            Instant end = Instant.now();
            String line =
                    String.join("\t", model, fire, start.toString(), end.toString(), Integer.toString(code), outcome)
                            + "\n";
            try {
                Files.writeString(
                        state.resolve("runs.log"),
                        line,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                Files.writeString(state.resolve(model + ".last-fire"), fire, StandardCharsets.UTF_8);
            } catch (IOException e) {
                LOG.error("{}: cannot record the run in {}: {}", model, state, e.getMessage());
            }
        }

        static String outcome(int code) {
            return switch (code) {
                case 0 -> "promoted";
                case 10 -> "rejected by the gate";
                case 20 -> "no new data";
                case 30 -> "conflict or lock held";
                default -> "failed";
            };
        }
    }
}
