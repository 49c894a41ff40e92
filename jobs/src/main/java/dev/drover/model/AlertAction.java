package dev.drover.model;

/** An alert raised ({@code trigger}) or cleared ({@code resolve}) at a sink. */
public enum AlertAction implements Labelled {
    TRIGGER, RESOLVE;
}
