package org.headcount.live;

import java.util.HashSet;
import java.util.Set;

/**
 * Who is counted on a page: its counted connections, those of them without a visitor id, and the visitor ids.
 * Nodes tell each other this, so a visitor with tabs on two nodes is still one.
 */
public record Presence(int connections, int anonymous, Set<String> visitors) {

    public static final Presence NOBODY = new Presence(0, 0, Set.of());

    public Presence {
        visitors = Set.copyOf(visitors);
    }

    /** Distinct visitors, a connection without an id being one of its own. */
    public int people() {
        return anonymous + visitors.size();
    }

    /** The page's count: people, or connections. */
    public int count(boolean byVisitors) {
        return byVisitors ? people() : connections;
    }

    /** Both together: a visitor on both is counted once. */
    public Presence with(Presence other) {
        if (other.connections == 0) {
            return this;
        }
        if (connections == 0) {
            return other;
        }
        Set<String> union = new HashSet<>(visitors);
        union.addAll(other.visitors);
        return new Presence(connections + other.connections, anonymous + other.anonymous, union);
    }

    /** As a Redis hash value: the two counts, then the ids, space-separated (an id never holds a space). */
    public String encode() {
        String counts = connections + " " + anonymous;
        return visitors.isEmpty() ? counts : counts + " " + String.join(" ", visitors);
    }

    /** What {@link #encode} wrote. */
    public static Presence decode(String value) {
        String[] parts = value.split(" ");
        Set<String> ids = new HashSet<>();
        for (int i = 2; i < parts.length; i++) {
            ids.add(parts[i]);
        }
        return new Presence(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), ids);
    }
}
