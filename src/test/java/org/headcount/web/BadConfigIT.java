package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad setting stops the deploy, and the container's log says which setting, its value and what is allowed. */
class BadConfigIT {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "interval | 0 | a number of seconds",
            "discard | yes | true or false",
            "endpoint | ftp://x | scheme http or https",
            "config | /nonexistent/config.json | readable Pixel Ping config.json",
    })
    void badValueFailsTheDeployNamingIt(String name, String value, String allowed) throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    logged.add(String.valueOf(t.getMessage()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of(name, value))) {
            assertFalse(server.deployed(), "the deploy fails");
            assertEquals(404, Http.get(server.uri("/pixel.gif?key=k")).statusCode(), "nothing is served");
            String expected = name + "=\"" + value + "\"";
            assertTrue(logged.stream().anyMatch(m -> m.contains(expected) && m.contains(allowed)),
                    "the log names " + expected + " and says " + allowed + "; logged: " + logged);
        } finally {
            root.removeHandler(capture);
        }
    }
}
