import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

/**
 * One request ready to be written (head and body bytes) with the answer it must get: for classes bound for
 * the origin the origin's echo line, otherwise the proxy's own body.
 */
record Request(RequestClass cls, byte[] head, byte[] body, String expectedBody) {

    Outcome judge(Response r) {
        if (r.status() == cls.status && r.body().strip().equals(expectedBody)) {
            return Outcome.EXPECTED;
        }
        if (cls.toOrigin() && r.status() == 502) {
            return Outcome.RESET;
        }
        return Outcome.UNEXPECTED;
    }

    /** A request that failed on the wire: a broken answer is a reset when the origin was involved. */
    Outcome judge(IOException e) {
        if (e instanceof SocketTimeoutException || e instanceof ConnectException) {
            return Outcome.UNEXPECTED;
        }
        return cls.toOrigin() ? Outcome.RESET : Outcome.UNEXPECTED;
    }

    /** What went wrong, for the report: never the request's token, only status and the answer's first line. */
    String describe(Response r) {
        String first = r.body().strip();
        int nl = first.indexOf('\n');
        if (nl >= 0) {
            first = first.substring(0, nl);
        }
        if (first.length() > 120) {
            first = first.substring(0, 120) + "...";
        }
        return cls.label + ": " + r.status() + " \"" + first + "\"";
    }

    String describe(IOException e) {
        return cls.label + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
