package org.headcount.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Decides {@link Needs}: runs the class when its programs are installed, skips it (or, under {@code CI=true}, fails
 * it) when one is missing; and, as a listener of the whole run, prints the skipped classes once at its end.
 */
public final class NeedsCondition implements ExecutionCondition, TestExecutionListener {

    /** How to get each program on Debian and Ubuntu; elsewhere the same packages go by similar names. */
    private static final Map<String, String> INSTALL = Map.of(
            "/usr/bin/chromium", "apt-get install chromium chromium-driver (Debian's, not the snap)",
            "/usr/bin/chromedriver", "apt-get install chromium-driver",
            "/usr/bin/redis-server", "apt-get install redis-server");
    private static final Set<String> SKIPPED = new ConcurrentSkipListSet<>();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Needs needs = context.getTestClass().map(c -> c.getAnnotation(Needs.class)).orElse(null);
        if (needs == null || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        List<String> missing = new ArrayList<>();
        for (String program : needs.value()) {
            if (!Files.isExecutable(Path.of(program))) {
                missing.add(program + " (" + INSTALL.getOrDefault(program, "install it") + ")");
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("every program it needs is installed");
        }
        String what = context.getRequiredTestClass().getSimpleName() + " needs " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(what + ": CI=true, so a missing program fails the build instead of skipping");
        }
        System.out.println("SKIPPED " + what);
        SKIPPED.add(what);
        return ConditionEvaluationResult.disabled(what);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (!SKIPPED.isEmpty()) {
            System.out.println("Skipped for programs that are not installed (everything else ran):");
            SKIPPED.forEach(what -> System.out.println("  - " + what));
        }
    }
}
