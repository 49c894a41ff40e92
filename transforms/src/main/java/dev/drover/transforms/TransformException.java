package dev.drover.transforms;

/** A step that cannot apply to the frame it was given: names the step and the offending field. */
public final class TransformException extends RuntimeException {
    private final String step;
    private final String field;

    public TransformException(String step, String field, String message) {
        super(message);
        this.step = step;
        this.field = field;
    }

    public String step() {
        return step;
    }

    public String field() {
        return field;
    }
}
