package dev.drover.exec;

/**
 * Named points in a run where the crash tests kill the driver. With the system property
 * {@code drover.test.announce} set, each point prints "drover-point &lt;name&gt;" on stderr; a point
 * named by {@code drover.test.pause-at} then waits there until the process is killed, or for
 * {@code drover.test.pause-for} milliseconds when that is set (a test acts meanwhile, then the run
 * goes on), or until the file {@code drover.test.pause-until} names exists (a test says when it has
 * seen what it waited for; {@code pause-for} then caps the wait). A point reached inside a
 * migration may also be named for that migration alone, as "&lt;migration&gt;/&lt;name&gt;" (one
 * migration of a wave held while the others go on). Without the properties this does nothing.
 */
public final class KillPoints {
    private KillPoints() {}

    public static void reached(String name) {
        reached(name, null);
    }

    /** {@link #reached(String)} for a point inside {@code migration}'s run. */
    public static void reached(String name, String migration) {
        if (System.getProperty("drover.test.announce") == null) {
            return;
        }
        System.err.println("drover-point " + name);
        System.err.flush();
        String pauseAt = System.getProperty("drover.test.pause-at");
        if (name.equals(pauseAt) || (migration != null && (migration + "/" + name).equals(pauseAt))) {
            pause(Long.getLong("drover.test.pause-for", -1), System.getProperty("drover.test.pause-until"));
        }
    }

    private static void pause(long millis, String untilFile) {
        long start = System.nanoTime();
        while (millis < 0 || System.nanoTime() - start < millis * 1_000_000) {
            if (untilFile != null && java.nio.file.Files.exists(java.nio.file.Path.of(untilFile))) {
                return;
            }
            long left = millis < 0 ? 60_000 : Math.max(1, millis - (System.nanoTime() - start) / 1_000_000);
            try {
                Thread.sleep(untilFile != null ? Math.min(100, left) : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
