package dev.hearth.testing;

import java.util.ArrayList;
import java.util.List;

/** Command lines of Hearth's jobs as tests write them: the options, then one {@code --set key=value} per setting. */
public final class JobArgs {
    private JobArgs() {}

    /**
     * The train job's arguments ({@code --data}, {@code --model}, {@code --store}, then {@link #sets}), as a
     * mutable list so a test can add more.
     *
     * @param data the training data (a path or URI; its {@code toString()} is used)
     * @param store the model store (a path or URI; its {@code toString()} is used)
     * @param settings {@code key=value} settings
     */
    public static List<String> train(Object data, String model, Object store, String... settings) {
        List<String> args =
                new ArrayList<>(List.of("--data", data.toString(), "--model", model, "--store", store.toString()));
        args.addAll(sets(settings));
        return args;
    }

    /**
     * The model server's arguments: {@code --store}, an ephemeral {@code --port 0}, then {@link #sets}.
     *
     * @param store the model store (a path or URI; its {@code toString()} is used)
     */
    public static List<String> serve(Object store, String... settings) {
        List<String> args = new ArrayList<>(List.of("--store", store.toString(), "--port", "0"));
        args.addAll(sets(settings));
        return args;
    }

    /** {@code --set} before each of {@code settings}. */
    public static List<String> sets(String... settings) {
        List<String> args = new ArrayList<>();
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }
}
