package org.headcount.testing;

import java.net.URI;

/** headcount.war deployed at /headcount somewhere on 127.0.0.1: embedded, or in a real container distribution. */
public interface Deployment {

    /** The HTTP port the container listens on. */
    int port();

    /** {@code http://127.0.0.1:port/headcount} followed by {@code pathAndQuery}. */
    default URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + "/headcount" + pathAndQuery);
    }
}
