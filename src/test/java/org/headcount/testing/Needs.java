package org.headcount.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The programs a test class drives for real (Chromium and its driver, redis-server). Where one is missing the class is
 * skipped with a line naming it and how to install it, and the run ends with a summary of what was skipped; with
 * {@code CI=true} a missing program fails the class instead, so CI never skips silently.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(NeedsCondition.class)
public @interface Needs {

    /** Programs by their installed path, e.g. {@code /usr/bin/chromium}. */
    String[] value();
}
