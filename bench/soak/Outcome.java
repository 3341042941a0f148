/** How one request ended, as judged against what its class expects. */
enum Outcome {
    /** The expected status and body. */
    EXPECTED,
    /** 502 or a broken answer on a request bound for the origin: expected only up to the origin's resets. */
    RESET,
    UNEXPECTED
}
