package dev.edgeproxy.http;

/**
 * How request targets are canonicalised (configuration {@code gateway.requestTarget}).
 *
 * @param mergeSlashes     {@code //} read as {@code /}
 * @param escapedSlash     {@code %2F}
 * @param escapedBackslash {@code %5C}
 * @param backslash        a raw {@code \}
 * @param escapedNul       {@code %00}; never {@link EscapeAction#DECODE}
 * @param pathParameters   {@code ;} in a path segment ({@code /a;jsessionid=1/b})
 */
public record TargetPolicy(boolean mergeSlashes, EscapeAction escapedSlash, EscapeAction escapedBackslash,
        EscapeAction backslash, EscapeAction escapedNul, EscapeAction pathParameters) {

    /** The defaults: merge slashes, refuse every ambiguous character. */
    public static final TargetPolicy STRICT = new TargetPolicy(true, EscapeAction.REJECT, EscapeAction.REJECT,
            EscapeAction.REJECT, EscapeAction.REJECT, EscapeAction.REJECT);

    public TargetPolicy {
        if (escapedNul == EscapeAction.DECODE) {
            throw new IllegalArgumentException("%00 cannot be decoded");
        }
    }
}
