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
            assertThat(checks)
                    .filteredOn(c -> c.name().startsWith("Kryo"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(Check.Status.OK));
            assertThat(checks)
                    .filteredOn(c -> c.name().equals("INDArray through the executors"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(Check.Status.OK));
        } finally {
            spark.stop();
        }
    }

    @Test
    void pathsAreCheckedInsideEveryExecutor(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        SparkSession spark = LocalSpark.start("doctor-paths");
        try {
            String good = dir.toUri().toString();
            List<Check> checks = new SparkDoctor(spark, List.of(good, "nosuchfs://bucket/x"), null).run();
            assertThat(checks)
                    .filteredOn(c -> c.name().startsWith("reach " + good))
                    .isNotEmpty()
                    .allMatch(c -> c.status() == Check.Status.OK);
            assertThat(checks)
                    .filteredOn(c -> c.name().startsWith("reach nosuchfs://"))
                    .isNotEmpty()
                    .allSatisfy(c -> {
                        assertThat(c.status()).isEqualTo(Check.Status.FAIL);
                        assertThat(c.detail()).contains("No FileSystem for scheme");
                    });
            assertThat(checks)
                    .filteredOn(c -> c.name().startsWith("BLAS threads vs vcores in executor"))
                    .isNotEmpty();
        } finally {
            spark.stop();
        }
    }

    @Test
    void offHeapAboveTheContainerOverheadFails() {
        ExecutorProbe p = new ExecutorProbe("1@h", "container_1", 1024, 2048, 1024, 1, "1", java.util.Map.of());
        assertThat(ExecutorChecks.offHeap(p).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ExecutorChecks.offHeap(p).name()).contains("container container_1");
        ExecutorProbe ok = new ExecutorProbe("1@h", "-", 1024, 512, 1024, 2, "2", java.util.Map.of());
        assertThat(ExecutorChecks.offHeap(ok).status()).isEqualTo(Check.Status.OK);
        assertThat(ExecutorChecks.blas(ok).status()).isEqualTo(Check.Status.WARN);
    }

    @Test
    void s3aMissingInAnExecutorNamesTheJarsToShip() {
        // The probe's text when the executor lacks hadoop-aws (Hadoop wraps the ClassNotFoundException).
        String error = "error: RuntimeException: java.lang.ClassNotFoundException: Class "
                + "org.apache.hadoop.fs.s3a.S3AFileSystem not found";
        Check c = ExecutorChecks.reachCheck("reach s3a://b/x in executor 1", "s3a://b/x", error);
        assertThat(c.status()).isEqualTo(Check.Status.FAIL);
        assertThat(c.detail())
                .startsWith("S3A is not on this executor's class path")
                .endsWith(error);
        // The test class path has both jars (provided scope), as bin/hearth's driver does: the fix names them.
        S3aJars jars = new S3aJars(getClass().getClassLoader());
        String aws = jars.jarOf(S3aJars.S3A_CLASS).orElseThrow();
        String sdk = jars.jarOf(S3aJars.SDK_CLASS).orElseThrow();
        assertThat(aws).endsWith("hadoop-aws-3.3.4.jar");
        assertThat(sdk).contains("aws-java-sdk-bundle-");
        assertThat(c.fix())
                .startsWith("add hadoop-aws-3.3.4.jar and its aws-java-sdk-bundle to the job: ")
                .contains("--master yarn --jars " + aws + "," + sdk);

        // A missing SDK class is the same fix; an S3A failure for another reason is not.
        assertThat(ExecutorChecks.reachCheck(
                                "n",
                                "s3a://b/x",
                                "error: NoClassDefFoundError: " + "com/amazonaws/AmazonClientException")
                        .detail())
                .startsWith("S3A is not on this executor's");
        Check denied = ExecutorChecks.reachCheck("n", "s3a://b/x", "error: AccessDeniedException: s3a://b/x");
        assertThat(denied.detail()).isEqualTo("error: AccessDeniedException: s3a://b/x");
        assertThat(denied.fix()).contains("fs.s3a.endpoint.region");
        assertThat(ExecutorChecks.reachCheck("n", "hdfs://nn/x", "ok (DistributedFileSystem, exists)")
                        .status())
                .isEqualTo(Check.Status.OK);
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
