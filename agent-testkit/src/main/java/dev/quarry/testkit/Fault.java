package dev.quarry.testkit;

/**
 * A failure {@link BedrockSimulator} can answer with instead of a turn, shaped the way Bedrock Runtime
 * sends it, so the AWS SDK maps it to its own exception types.
 */
public enum Fault {
    /** 429 ThrottlingException. */
    THROTTLING(429, "ThrottlingException", "Too many requests, please wait before trying again."),
    /** 503 ServiceUnavailableException. */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailableException", "Service is temporarily unavailable."),
    /** 500 InternalServerException. */
    INTERNAL_ERROR(500, "InternalServerException", "The server encountered an internal error."),
    /** 408 ModelTimeoutException. */
    MODEL_TIMEOUT(408, "ModelTimeoutException", "The model took too long to respond."),
    /** 403 AccessDeniedException. */
    ACCESS_DENIED(403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
    /** 400 ValidationException. */
    VALIDATION(400, "ValidationException", "The provided request is not valid."),
    /** 200 with a body that is not JSON. */
    MALFORMED_JSON(200, null, null),
    /** A ConverseStream response cut off in the middle (Converse: the connection is reset). */
    TRUNCATED_STREAM(200, null, null),
    /**
     * A response that starts and then goes silent for a minute with the connection open (ConverseStream: the
     * first events, then nothing; Converse: the headers, then nothing).
     */
    STALLED_STREAM(200, null, null);

    private final int status;
    private final String errorType;
    private final String message;

    Fault(int status, String errorType, String message) {
        this.status = status;
        this.errorType = errorType;
        this.message = message;
    }

    /** The HTTP status the simulator answers with, or 0 for a transport-level fault. */
    public int status() {
        return status;
    }

    /** The {@code x-amzn-ErrorType} header value's type part, or null for transport-level faults. */
    public String errorType() {
        return errorType;
    }

    /** The error message in the response body. */
    public String message() {
        return message;
    }
}
