/**
 * The model store API: model references, versions, metadata and the {@link dev.hearth.store.ModelStore} contract
 * shared by training, serving and notebooks. No Spark, DL4J or HTTP types may appear here.
 */
package dev.hearth.store;
