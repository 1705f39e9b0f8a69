/**
 * The {@link dev.hearth.store.ModelStore} on any Hadoop {@code FileSystem} ({@code file://}, {@code hdfs://},
 * {@code s3a://}): layout, atomic commit and exclusive version allocation. Nothing outside this package knows
 * the layout.
 */
package dev.hearth.store.hadoop;
