package org.headcount.jmx;

import java.beans.ConstructorProperties;

/** One page and its members, as JMX shows it (an MXBean composite: getters, and a constructor to rebuild it). */
public final class TopPage {

    private final String page;
    private final int online;

    @ConstructorProperties({"page", "online"})
    public TopPage(String page, int online) {
        this.page = page;
        this.online = online;
    }

    public String getPage() {
        return page;
    }

    public int getOnline() {
        return online;
    }
}
