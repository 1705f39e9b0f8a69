package dev.hearth.spark.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.SparkConfFile;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkDoctorTest {

    @Test
    void projectConfigurationPassesEveryCheckOnLocalSpark() {
        SparkSession spark = LocalSpark.start("doctor-test");
        try {
            List<Check> checks = new SparkDoctor(spark).run();
            assertThat(checks).hasSize(7);
            assertThat(checks).noneMatch(c -> c.status() == Check.Status.FAIL);
            assertThat(checks).filteredOn(c -> c.name().startsWith("Kryo")).singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(Check.Status.OK));
            assertThat(checks).filteredOn(c -> c.name().equals("INDArray through the executors")).singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(Check.Status.OK));
        } finally {
            spark.stop();
        }
    }

    @Test
    void missingRegistratorFailsWithTheFix() {
        SparkConf conf = SparkConfFile.apply(LocalSpark.sparkDefaults(), new SparkConf(false));
        conf.remove("spark.kryo.registrator");
        Check c = SparkDoctor.kryo(conf);
        assertThat(c.status()).isEqualTo(Check.Status.FAIL);
        assertThat(c.fix()).isEqualTo("--conf spark.kryo.registrator=dev.hearth.spark.serde.HearthKryoRegistrator");
        conf.set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        assertThat(SparkDoctor.kryo(conf).status()).isEqualTo(Check.Status.WARN);
        conf.set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        assertThat(SparkDoctor.kryo(conf).detail()).contains("JavaSerializer");
    }
}
