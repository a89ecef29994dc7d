package dev.quarry.agent.model;

/** A model stream sent nothing for longer than its idle timeout; transient, so the call may be retried. */
final class StreamStalledException extends RuntimeException {

    StreamStalledException(String message) {
        super(message);
    }
}
