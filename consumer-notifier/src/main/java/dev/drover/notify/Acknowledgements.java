package dev.drover.notify;

import dev.drover.common.Messages;
import dev.drover.config.NotifySettings;
import dev.drover.ledger.Ledger;
import dev.drover.outbox.Outbox;
import java.util.Optional;

/**
 * Reads the consumers' acknowledgements from the ack topic into the outbox, for the commands that
 * judge adoption ({@code transition}, {@code retire}) as {@code notify} does before it sends.
 */
public final class Acknowledgements {
    private Acknowledgements() {}

    /**
     * The acks on the topic up to its end, recorded; empty when no broker is configured. A broker
     * that does not answer is a warning (the ledger's acks stay what they were), never a failure.
     */
    public static Optional<String> read(NotifySettings settings, Ledger ledger) {
        if (settings.bootstrapServers().isBlank()) {
            return Optional.empty();
        }
        Outbox outbox = new Outbox(ledger);
        try {
            AckReader.Result read = AckReader.read(settings, acks -> {
                outbox.recordAcks(acks);
                ledger.flush();   // recorded before the offsets are committed
            });
            return Optional.of(read.acks().size() + " acknowledgement(s) read from " + settings.ackTopic());
        } catch (RuntimeException e) {
            return Optional.of("acknowledgements not read from " + settings.ackTopic() + ": "
                    + Messages.firstLine(settings.redact(String.valueOf(e.getMessage()))));
        }
    }
}
