package dev.drover.cli;

import dev.drover.error.ConflictError;
import dev.drover.error.DroverError;
import dev.drover.error.InputError;

/** What a drover command's exit status means; the one place errors become exit codes. */
public enum ExitCode {
    /** done (including "already applied" and "nothing to roll back") */
    OK(0),
    /** the migration failed its checks and published nothing (validate: a check failed) */
    CHECKS_FAILED(1),
    /** bad input: usage, config, catalog or spec; nothing was written */
    BAD_INPUT(2),
    /** another run holds the dataset, or a rollback would discard others' commits */
    CONFLICT(3),
    /** notify: some consumer events were not delivered; they stay in the outbox */
    UNDELIVERED(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ExitCode of(DroverError error) {
        if (error instanceof InputError) {
            return BAD_INPUT;
        }
        if (error instanceof ConflictError) {
            return CONFLICT;
        }
        throw new IllegalArgumentException("no exit code for " + error.getClass().getName());
    }
}
