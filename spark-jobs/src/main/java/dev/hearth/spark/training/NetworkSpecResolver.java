package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.*;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.network.Head;
import dev.hearth.spark.network.HiddenActivation;
import dev.hearth.spark.network.LayerSpec;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.network.NetworkSpecParser;
import dev.hearth.spark.network.Schedule;
import dev.hearth.spark.network.Updater;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The network of a job: the spec file named by {@code network.config}, or a dense network from {@code network.*}. */
public final class NetworkSpecResolver {
    private NetworkSpecResolver() {}

    public static NetworkSpec resolve(Settings s, Configuration hadoop) {
        if (s.isSet(NETWORK_CONFIG)) {
            String file = s.get(NETWORK_CONFIG);
            return new NetworkSpecParser().parse(read(file, hadoop), file);
        }
        HiddenActivation activation = s.getEnum(NETWORK_ACTIVATION, HiddenActivation.SETTING);
        double dropout = s.getDouble(NETWORK_DROPOUT, 0, 0.99);
        List<LayerSpec> layers = new ArrayList<>();
        for (int units : s.getIntList(NETWORK_HIDDEN)) {
            layers.add(LayerSpec.dense(units, activation, dropout));
        }
        return new NetworkSpec(
                s.getIntList(NETWORK_INPUT_SHAPE),
                layers,
                s.getEnum(NETWORK_HEAD, Head.class),
                s.getEnum(NETWORK_UPDATER, Updater.class),
                s.getDouble(NETWORK_LEARNING_RATE, 1e-9, 10),
                Schedule.NONE,
                1,
                1,
                s.getDouble(NETWORK_L2, 0, 10),
                s.getLong(NETWORK_SEED));
    }

    private static String read(String file, Configuration hadoop) {
        java.nio.file.Path local = java.nio.file.Path.of(file);
        try {
            if (!file.contains("://") && java.nio.file.Files.exists(local)) {
                return java.nio.file.Files.readString(local, StandardCharsets.UTF_8);
            }
            Path p = new Path(file);
            try (InputStream in = p.getFileSystem(hadoop).open(p)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingsException(NETWORK_CONFIG + " '" + file + "' cannot be read: " + e.getMessage());
        }
    }
}
