package dev.drover.exec;

/**
 * Named points in a run where the crash tests kill the driver. With the system property
 * {@code drover.test.announce} set, each point prints "drover-point &lt;name&gt;" on stderr; a point
 * named by {@code drover.test.pause-at} then waits there until the process is killed, or for
 * {@code drover.test.pause-for} milliseconds when that is set (a test acts meanwhile, then the run
 * goes on). Without the properties this does nothing.
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
            long pause = Long.getLong("drover.test.pause-for", -1);
            while (true) {
                try {
                    Thread.sleep(pause >= 0 ? pause : 60_000);
                    if (pause >= 0) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
