package org.headcount.live;

/** One notice for subscribers: the figure, and its JSON text serialized once for all of them. */
public record Frame(String page, int online, String json) {}
