package dev.drover.notify;

import dev.drover.cli.DroverCli;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumer notifier's own entry point, for spark-submit, Airflow or cron:
 * {@code spark-submit --class dev.drover.notify.NotifierJob drover.jar [--conf-dir DIR] [--retry-failed]}.
 * The same as {@code drover notify}: same options, same exit codes.
 */
public final class NotifierJob {
    private NotifierJob() {}

    public static void main(String[] args) {
        List<String> argv = new ArrayList<>(List.of("notify"));
        argv.addAll(List.of(args));
        int code = DroverCli.execute(argv.toArray(String[]::new));
        System.out.flush();
        System.exit(code);
    }
}
