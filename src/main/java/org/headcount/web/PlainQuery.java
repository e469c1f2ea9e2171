package org.headcount.web;

/**
 * Reads {@code key} from a query string in which nothing is escaped, allocating nothing but the key. Such a query
 * decodes to itself, so the container's parameter parsing would find exactly the same value; it would also build
 * a map of every parameter for each pixel. Anything else is left to the container ({@link #NOT_PLAIN}).
 */
final class PlainQuery {

    /** Answered for a query this class does not read: one with escapes, spaces, non-ASCII or many parameters. */
    static final String NOT_PLAIN = new String("not plain");
    /** More parameters than this and the container reads the query, with its own limit on their number. */
    static final int MAX_PARAMETERS = 16;

    private PlainQuery() {
    }

    /**
     * The first {@code key} parameter's value ({@code ""} for a bare {@code key}), null when there is none, or
     * {@link #NOT_PLAIN}.
     */
    static String key(String query) {
        int parameters = 1;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '&') {
                if (++parameters > MAX_PARAMETERS) {
                    return NOT_PLAIN;
                }
            } else if (c <= ' ' || c >= 0x7f || c == '%' || c == '+') {
                return NOT_PLAIN; // an escape, or something the container would decode or reject
            }
        }
        String key = null;
        for (int start = 0; start < query.length(); ) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (query.charAt(start) == '=') {
                return NOT_PLAIN; // a value without a name: the container refuses the whole query
            }
            if (key == null && query.startsWith("key", start) && (start + 3 == end || query.charAt(start + 3) == '=')) {
                key = start + 3 == end ? "" : query.substring(start + 4, end);
            }
            start = end + 1;
        }
        return key;
    }
}
