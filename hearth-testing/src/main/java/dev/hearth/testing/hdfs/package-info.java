/** {@link dev.hearth.testing.hdfs.MiniHdfs}: the one in-process HDFS (MiniDFSCluster) fixture of tests and benchmarks. */
package dev.hearth.testing.hdfs;
