package dev.drover.model;

/** Whether one alert reached one sink ({@code sent}) or not after every attempt ({@code failed}). */
public enum AlertStatus implements Labelled {
    SENT, FAILED;
}
