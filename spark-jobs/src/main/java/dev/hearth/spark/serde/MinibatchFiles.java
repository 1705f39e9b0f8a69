package dev.hearth.spark.serde;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The file form of one exported minibatch: a magic number, then features, labels and optional masks as
 * {@link RawArrays}. Workers read it with bulk copies ({@link Loader}), several times faster than DL4J's
 * {@code DataSet.save}/{@code load}, which the prefetch thread otherwise spends most of an epoch in.
 */
public final class MinibatchFiles {
    private static final int MAGIC = 0x484d4231; // "HMB1"
    private static final int BUFFER = 1 << 16;

    private MinibatchFiles() {}

    /** Writes {@code batch} to {@code out} (not closed). */
    public static void write(DataSet batch, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, BUFFER));
        data.writeInt(MAGIC);
        RawArrays.write(batch.getFeatures(), data);
        RawArrays.write(batch.getLabels(), data);
        writeOptional(batch.getFeaturesMaskArray(), data);
        writeOptional(batch.getLabelsMaskArray(), data);
        data.flush();
    }

    /** Reads a minibatch written by {@link #write}; {@code where} names the file in errors. */
    public static DataSet read(InputStream in, String where) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, BUFFER));
        int magic = data.readInt();
        if (magic != MAGIC) {
            throw new IOException(where + " is not a Hearth minibatch file (magic " + Integer.toHexString(magic) + ")");
        }
        INDArray features = RawArrays.read(data);
        INDArray labels = RawArrays.read(data);
        INDArray featuresMask = readOptional(data);
        INDArray labelsMask = readOptional(data);
        return new DataSet(features, labels, featuresMask, labelsMask);
    }

    private static void writeOptional(INDArray array, DataOutputStream out) throws IOException {
        out.writeBoolean(array != null);
        if (array != null) {
            RawArrays.write(array, out);
        }
    }

    private static INDArray readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? RawArrays.read(in) : null;
    }

    /** DL4J loader of minibatch files, for {@code SparkDl4jMultiLayer.fitPaths}. */
    public static final class Loader implements DataSetLoader {
        private static final long serialVersionUID = 1L;

        @Override
        public DataSet load(Source source) throws IOException {
            try (InputStream in = source.getInputStream()) {
                return read(in, source.getPath());
            }
        }
    }
}
