package dev.hearth.spark.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The executor-side workers: reused across rounds of a session, bounded in sessions, released at close. */
class WorkerSessionsTest {
    private static final String CONF = new NeuralNetConfiguration.Builder()
            .seed(1)
            .dataType(DataType.FLOAT)
            .updater(new Adam(0.01))
            .list()
            .layer(new DenseLayer.Builder()
                    .nIn(4)
                    .nOut(5)
                    .activation(Activation.TANH)
                    .build())
            .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(5)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build()
            .toJson();

    @Test
    void aSessionsWorkerIsReusedAcrossRoundsAndOnlyTheNewestSessionsAreKept() {
        SessionSetup a = new SessionSetup("a-" + System.nanoTime(), CONF, 8, true);
        WorkerSessions.Worker first = WorkerSessions.take(a);
        assertThat(first.trainer.isFused()).isTrue();
        WorkerSessions.Worker concurrent = WorkerSessions.take(a);
        assertThat(concurrent)
                .as("a task running at the same time gets its own worker")
                .isNotSameAs(first);
        WorkerSessions.release(a, first);
        WorkerSessions.release(a, concurrent);
        WorkerSessions.Worker next = WorkerSessions.take(a);
        assertThat(next).as("the next round reuses a kept worker").isIn(first, concurrent);
        WorkerSessions.release(a, next);

        for (int i = 0; i < 3; i++) {
            SessionSetup other = new SessionSetup("other-" + i + "-" + System.nanoTime(), CONF, 8, true);
            WorkerSessions.release(other, WorkerSessions.take(other));
            WorkerSessions.close(other.sessionId());
        }
        SessionSetup b = new SessionSetup("b-" + System.nanoTime(), CONF, 8, false);
        SessionSetup c = new SessionSetup("c-" + System.nanoTime(), CONF, 8, false);
        WorkerSessions.release(b, WorkerSessions.take(b));
        WorkerSessions.release(c, WorkerSessions.take(c));
        assertThat(WorkerSessions.sessions()).isLessThanOrEqualTo(WorkerSessions.MAX_SESSIONS);
        WorkerSessions.Worker fresh = WorkerSessions.take(a);
        assertThat(fresh).as("the oldest session was evicted").isNotIn(first, concurrent);
        WorkerSessions.release(a, fresh);

        WorkerSessions.close(a.sessionId());
        WorkerSessions.close(b.sessionId());
        WorkerSessions.close(c.sessionId());
        assertThat(WorkerSessions.sessions()).isZero();
    }
}
