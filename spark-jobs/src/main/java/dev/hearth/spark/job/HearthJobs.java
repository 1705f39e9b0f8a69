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
        subcommands = {TrainJob.class, EvaluateJob.class, PredictJob.class, DoctorJob.class, RetrainJob.class,
            SchedulerJob.class})
public final class HearthJobs implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** A command line whose user errors (bad settings, bad data, store or runtime refusals) print one clear line, exit 2. */
    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof SettingsException || e instanceof DataFormatException || e instanceof ModelStoreException
                    || e instanceof ModelLoadException || e instanceof TrainingDivergedException || rootCause(e) instanceof DataFormatException) {
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

    public static void main(String[] args) {
        System.exit(commandLine(new HearthJobs()).execute(args));
    }
}
