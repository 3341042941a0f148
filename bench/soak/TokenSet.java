import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The RS256 tokens of one signing key, as bench/TokenGen.java wrote them into one directory: one token for
 * the same-token class, the walk of distinct tokens (more than the proxy's verified-token cache holds), and
 * the tokens that must fail: wrong group, expired, broken signature.
 */
record TokenSet(String name, String same, List<String> fresh, String users, String expired, String badSignature,
        String jwksKeys) {

    static TokenSet load(String name, Path dir) throws IOException {
        List<String> fresh = Files.readAllLines(dir.resolve("rs256.tokens")).stream().filter(s -> !s.isEmpty()).toList();
        String jwks = Files.readString(dir.resolve("jwks.json")).strip();
        String prefix = "{\"keys\":[";
        if (!jwks.startsWith(prefix) || !jwks.endsWith("]}")) {
            throw new IOException(dir + "/jwks.json is not the JWKS bench/TokenGen.java writes");
        }
        return new TokenSet(name, first(dir, "rs256.same.tokens"), fresh, first(dir, "rs256.users.token"),
                first(dir, "rs256.expired.token"), first(dir, "rs256.badsig.token"),
                jwks.substring(prefix.length(), jwks.length() - 2));
    }

    private static String first(Path dir, String file) throws IOException {
        return Files.readAllLines(dir.resolve(file)).get(0).strip();
    }

    /** A JWKS document publishing the keys of all the given sets. */
    static String jwks(TokenSet... sets) {
        StringBuilder b = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < sets.length; i++) {
            b.append(i == 0 ? "" : ",").append(sets[i].jwksKeys);
        }
        return b.append("]}\n").toString();
    }
}
