package org.headcount.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThrottleTest {

    @ParameterizedTest(name = "ratio {0}, {1} → {2} after {3}ms: {4}")
    @CsvSource({
            // ratio, last sent, now, elapsed ms, due?   (min delay 2000 ms, max delay 25000 ms)
            "0.1, 5, 5, 60000, false",     // no change is never told
            "0.1, 1, 2, 1999, false",      // a big change still waits for the min delay
            "0.1, 1, 2, 2000, true",       // ... and goes at the min delay
            "0.1, 100, 112, 2000, true",   // |Δ| 12 ≥ 0.1 × 112
            "0.1, 100, 110, 2000, false",  // |Δ| 10 < 0.1 × 110: too small to tell yet
            "0.1, 100, 90, 2000, true",    // |Δ| 10 ≥ 0.1 × 90: leaving counts the same
            "0.1, 100, 105, 24999, false",
            "0.1, 100, 105, 25000, true",  // after the max delay any change is told
            "0.1, 1, 0, 2000, true",       // the last one leaving is told
            "0.0, 1000, 1001, 2000, true", // ratio 0: every change, still spaced by the min delay
            "0.0, 1000, 1001, 1999, false",
            "1.0, 10, 6, 2000, false",     // ratio 1 wants |Δ| ≥ members: 4 < 6
            "1.0, 0, 3, 2000, true",
    })
    void audienceMetersRule(double ratio, int lastSent, int now, long elapsedMs, boolean due) {
        Throttle throttle = new Throttle(ratio, 2_000, 25_000);
        assertEquals(due, throttle.due(lastSent, now, elapsedMs),
                "ratio " + ratio + ": " + lastSent + " → " + now + " after " + elapsedMs + "ms");
    }
}
