package org.headcount.web;

import jakarta.servlet.ServletContext;

/** Shares the application's objects through {@link ServletContext} attributes named after their class. */
final class Attributes {

    private Attributes() {
    }

    static <T> void put(ServletContext context, Class<T> type, T value) {
        context.setAttribute(type.getName(), value);
    }

    static <T> T get(ServletContext context, Class<T> type) {
        T value = type.cast(context.getAttribute(type.getName()));
        if (value == null) {
            throw new IllegalStateException(type.getSimpleName() + " is missing: did HeadcountListener start?");
        }
        return value;
    }

    static void remove(ServletContext context, Class<?> type) {
        context.removeAttribute(type.getName());
    }
}
