package org.headcount;

import java.net.URI;

/** Text from outside made safe for a log line: one line per event, and no credentials. */
public final class LogText {

    private LogText() {
    }

    /**
     * {@code text} with control characters (CR and LF among them) and backslashes escaped as in Java source, so a
     * key can never start a forged line of its own.
     */
    public static String oneLine(String text) {
        StringBuilder line = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean plain = c >= 0x20 && c != 0x7f && c != '\\' && !(c >= 0x80 && c < 0xa0) && c != '\u2028' && c != '\u2029';
            if (plain && line == null) {
                continue;
            }
            if (line == null) {
                line = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (plain) {
                line.append(c);
            } else {
                line.append(switch (c) {
                    case '\\' -> "\\\\";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                });
            }
        }
        return line == null ? text : line.toString();
    }

    /** {@code uri} without its user-info, query and fragment, where passwords and tokens travel. */
    public static String url(URI uri) {
        if (uri == null) {
            return "none";
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String hidden = uri.getRawUserInfo() != null || uri.getRawQuery() != null ? " (credentials and query not shown)" : "";
        return uri.getScheme() + "://" + uri.getHost() + port + path + hidden;
    }
}
