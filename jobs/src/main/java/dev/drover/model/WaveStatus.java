package dev.drover.model;

/** A wave's state in the ledger's {@code waves} table. */
public enum WaveStatus implements Labelled { RUNNING, SUCCEEDED, FAILED }
