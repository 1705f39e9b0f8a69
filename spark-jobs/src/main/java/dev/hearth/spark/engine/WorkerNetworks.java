package dev.hearth.spark.engine;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Networks kept on an executor between rounds, one per concurrently running task, keyed by configuration: building
 * and initialising a network for every round would cost more than a round's compute. Static because Spark gives an
 * executor no other place to keep objects across tasks; bounded by the number of task slots per configuration.
 */
final class WorkerNetworks {
    private static final Map<String, Queue<MultiLayerNetwork>> IDLE = new ConcurrentHashMap<>();

    private WorkerNetworks() {}

    /** An initialised network of {@code confJson} for this task, to be given back with {@link #release}. */
    static MultiLayerNetwork take(String confJson) {
        MultiLayerNetwork net = IDLE.computeIfAbsent(confJson, k -> new ConcurrentLinkedQueue<>()).poll();
        if (net == null) {
            net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(confJson));
            net.init();
        }
        return net;
    }

    /** Gives a network back for the next task on this executor. */
    static void release(String confJson, MultiLayerNetwork net) {
        IDLE.computeIfAbsent(confJson, k -> new ConcurrentLinkedQueue<>()).add(net);
    }
}
