package org.headcount.live;

/** A live connection Headcount will not take, with a reason a client can show. */
public final class Refused extends Exception {

    Refused(String reason) {
        super(reason, null, false, false);
    }

    /** Whether the refusal is for want of room (try again later) rather than a bad request. */
    public boolean full() {
        return getMessage().startsWith("too many");
    }
}
