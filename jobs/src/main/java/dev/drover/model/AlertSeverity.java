package dev.drover.model;

/** How urgent an alert is (PagerDuty's severities). */
public enum AlertSeverity implements Labelled {
    ERROR, WARNING, INFO;
}
