package dev.hearth.spark.job;

import dev.hearth.spark.schedule.RetrainScheduler;
import dev.hearth.spark.schedule.ScheduleConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth scheduler}: runs retrains on cron schedules from {@code conf/schedules.yaml} until stopped. */
@Command(
        name = "scheduler",
        mixinStandardHelpOptions = true,
        description = "Run retrains on the cron schedules of conf/schedules.yaml (Quartz cron, explicit time zone per"
                + " entry); one child process per fire, never two runs of a model at once; stop with SIGTERM.")
public final class SchedulerJob implements Callable<Integer> {
    @Option(
            names = "--schedules",
            defaultValue = "${sys:hearth.conf:-conf}/schedules.yaml",
            description = "schedules file (default: ${DEFAULT-VALUE})")
    Path schedules;

    @Override
    public Integer call() throws Exception {
        RetrainScheduler scheduler = new RetrainScheduler(ScheduleConfig.load(schedules));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            scheduler.stop(true);
                            stopped.countDown();
                        },
                        "hearth-scheduler-shutdown"));
        scheduler.start();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(HearthJobs.commandLine(new SchedulerJob()).execute(args));
    }
}
