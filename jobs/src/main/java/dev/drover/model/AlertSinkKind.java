package dev.drover.model;

/** The kind of a sink alerts go to: a sink is named by its kind, never by its URL or key (secrets). */
public enum AlertSinkKind implements Labelled {
    SLACK, PAGERDUTY;
}
