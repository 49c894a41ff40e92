package dev.drover.cli;

/**
 * A subcommand that lives in a module built after this one (the notifier's {@code notify}, the
 * {@code demo} that uses it). Implementations are picocli {@code @Command} classes listed in
 * {@code META-INF/services/dev.drover.cli.ExtraCommand}; {@link DroverCli} adds each it finds.
 */
public interface ExtraCommand {
}
