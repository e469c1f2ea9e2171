package org.headcount;

import java.util.concurrent.ThreadFactory;

/** Names Headcount's background threads and makes them daemons, so a stuck one never holds the JVM open. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
