package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code drover.alerts} block: a Slack-compatible incoming webhook and a PagerDuty Events API
 * v2 routing key (both secrets, from the environment; empty = that sink is off), when to alert
 * (a stage over {@code runtimeFactor} times its template's expected runtime; a run quarantining
 * at least {@code quarantineWarning} of its rows), and how hard to try ({@code attempts}, with
 * {@code backoff} doubling between them, {@code timeout} per request). {@link #toString()} never
 * shows the secrets.
 */
public record AlertSettings(String slackWebhook, String pagerdutyRoutingKey, String pagerdutyUrl, double runtimeFactor,
                            double quarantineWarning, int attempts, Duration backoff, Duration timeout) {
    public AlertSettings {
        requireNonNull(slackWebhook, "slackWebhook is null");
        requireNonNull(pagerdutyRoutingKey, "pagerdutyRoutingKey is null");
        requireNonNull(pagerdutyUrl, "pagerdutyUrl is null");
        requireNonNull(backoff, "backoff is null");
        requireNonNull(timeout, "timeout is null");
    }

    public boolean slack() {
        return !slackWebhook.isEmpty();
    }

    public boolean pagerduty() {
        return !pagerdutyRoutingKey.isEmpty() && !pagerdutyUrl.isEmpty();
    }

    public boolean any() {
        return slack() || pagerduty();
    }

    @Override
    public String toString() {
        return "AlertSettings[slack=" + (slack() ? "set" : "off") + ", pagerduty=" + (pagerduty() ? "set" : "off")
                + ", runtimeFactor=" + runtimeFactor + ", quarantineWarning=" + quarantineWarning + ", attempts=" + attempts
                + ", backoff=" + backoff + ", timeout=" + timeout + "]";
    }
}
