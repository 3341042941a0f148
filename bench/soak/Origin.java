import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The soak's origin (upstream.js), asked directly for how many responses it has deliberately broken. */
final class Origin {

    private static final Pattern RESETS = Pattern.compile("\"resets\":(\\d+)");
    private final URI stats;

    Origin(int port) {
        this.stats = URI.create("http://127.0.0.1:" + port + "/__soak/stats");
    }

    long resets() throws IOException {
        var c = (java.net.HttpURLConnection) stats.toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            Matcher m = RESETS.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IOException("origin stats without a reset count");
            }
            return Long.parseLong(m.group(1));
        }
    }
}
