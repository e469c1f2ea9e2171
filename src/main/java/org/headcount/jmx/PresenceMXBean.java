package org.headcount.jmx;

import java.util.List;

/** {@code org.headcount:type=Presence}: live connections and the busiest pages on this node. */
public interface PresenceMXBean {

    /** Open live connections, dashboard watchers included. */
    int getConnections();

    /** Pages known, empty ones until they are forgotten. */
    int getPages();

    /** Members on all pages. */
    int getTotalOnline();

    /** The busiest pages, most members first. */
    List<TopPage> getTopPages();
}
