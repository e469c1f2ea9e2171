package org.headcount.count;

/** Why a pixel request was answered but not counted; {@link #header()} is the {@code X-Headcount-Ignored} value. */
public enum Ignored {
    NO_KEY("no-key"),
    KEY_TOO_LONG("key-too-long"),
    TOO_MANY_KEYS("too-many-keys"),
    DO_NOT_TRACK("do-not-track"),
    RATE_LIMITED("rate-limited");

    private final String header;

    Ignored(String header) {
        this.header = header;
    }

    public String header() {
        return header;
    }
}
