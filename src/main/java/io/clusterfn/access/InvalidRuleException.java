package io.clusterfn.access;

/** A rule expression that does not compile; the message is the compiler's. */
public class InvalidRuleException extends RuntimeException {
    public InvalidRuleException(String message) {
        super(message);
    }
}
