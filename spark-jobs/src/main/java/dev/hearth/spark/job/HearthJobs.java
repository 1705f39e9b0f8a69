package dev.hearth.spark.job;

import dev.hearth.config.SettingsException;
import dev.hearth.runtime.ModelLoadException;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.training.TrainingDivergedException;
import dev.hearth.store.ModelStoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jobs jar's entry point: {@code spark-submit hearth-spark-jobs.jar train ...}. */
@Command(
        name = "hearth-jobs",
        mixinStandardHelpOptions = true,
        description = "Hearth Spark jobs.",
        subcommands = {
            TrainJob.class,
            EvaluateJob.class,
            PredictJob.class,
            DoctorJob.class,
            RetrainJob.class,
            SchedulerJob.class
        })
public final class HearthJobs implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** A command line whose user errors (bad settings, bad data, store or runtime refusals) print one clear line, exit 2. */
    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof SettingsException
                    || e instanceof DataFormatException
                    || e instanceof ModelStoreException
                    || e instanceof ModelLoadException
                    || e instanceof TrainingDivergedException
                    || rootCause(e) instanceof DataFormatException) {
                line.getErr().println("error: " + rootCause(e).getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof DataFormatException ? t : e;
    }

    /** Ends a job's {@code main} with its exit code: {@link #exit(int, String)} without a detail. */
    static void exit(int code) {
        exit(code, null);
    }

    /**
     * Ends a job's {@code main} with its exit code. Inside a YARN application master (cluster mode) the master owns
     * the process: a {@code System.exit(0)} runs the shutdown hooks before it reported success and YARN records the
     * run as FAILED (exit 16), so there success just returns, and any other code is thrown as a
     * {@link JobExitException} naming the code and {@code detail} (e.g. a retrain's decision), which becomes the
     * application's diagnostics. Elsewhere the process exits with the code.
     */
    static void exit(int code, String detail) {
        if (System.getProperty("spark.yarn.app.id") != null) {
            if (code != 0) {
                throw new JobExitException(code, detail);
            }
            return;
        }
        System.exit(code);
    }

    public static void main(String[] args) {
        exit(commandLine(new HearthJobs()).execute(args));
    }
}
