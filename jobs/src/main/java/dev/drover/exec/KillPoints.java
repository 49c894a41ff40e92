package dev.drover.exec;

/**
 * Named points in a run where the crash tests kill the driver. With the system property
 * {@code drover.test.announce} set, each point prints "drover-point &lt;name&gt;" on stderr; a point
 * named by {@code drover.test.pause-at} then waits there until the process is killed. Without
 * the properties this does nothing.
 */
public final class KillPoints {
    private KillPoints() {}

    public static void reached(String name) {
        if (System.getProperty("drover.test.announce") == null) {
            return;
        }
        System.err.println("drover-point " + name);
        System.err.flush();
        if (name.equals(System.getProperty("drover.test.pause-at"))) {
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
