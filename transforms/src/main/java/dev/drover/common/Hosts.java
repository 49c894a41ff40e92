package dev.drover.common;

import java.io.IOException;
import java.net.InetAddress;

/** This machine's name, as run records and locks name their holder. */
public final class Hosts {
    private static final String NAME = lookUp();

    private Hosts() {}

    public static String name() {
        return NAME;
    }

    private static String lookUp() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
