package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochBatches;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/** A session that delegates every call to a real one; tests override the call they need to change. */
public class DelegatingSession implements TrainingEngine.Session {
    private final TrainingEngine.Session s;

    public DelegatingSession(TrainingEngine.Session s) {
        this.s = s;
    }

    @Override
    public EpochFit fitEpoch(EpochBatches train) {
        return s.fitEpoch(train);
    }

    @Override
    public EvaluationReport evaluate(JavaRDD<DataSet> data, List<String> labels) {
        return s.evaluate(data, labels);
    }

    @Override
    public EvaluationReport evaluateRegression(JavaRDD<DataSet> data, long examples) {
        return s.evaluateRegression(data, examples);
    }

    @Override
    public RoundBreakdown lastEpochBreakdown() {
        return s.lastEpochBreakdown();
    }

    @Override
    public MultiLayerNetwork network() {
        return s.network();
    }

    @Override
    public String approach() {
        return s.approach();
    }

    @Override
    public void close() {
        s.close();
    }
}
