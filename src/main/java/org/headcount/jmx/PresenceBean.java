package org.headcount.jmx;

import java.util.List;
import org.headcount.live.PresenceRegistry;

/** The {@link PresenceMXBean} over the live registry. */
public final class PresenceBean implements PresenceMXBean {

    /** Pages {@link #getTopPages} lists. */
    static final int TOP_PAGES = 10;

    private final PresenceRegistry registry;

    public PresenceBean(PresenceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public int getConnections() {
        return registry.connections();
    }

    @Override
    public int getPages() {
        return registry.pages();
    }

    @Override
    public int getTotalOnline() {
        return registry.totalOnline();
    }

    @Override
    public List<TopPage> getTopPages() {
        return registry.topPages(TOP_PAGES).stream().map(p -> new TopPage(p.page(), p.online())).toList();
    }
}
