package org.headcount.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    private static final Path TEMP = Path.of("/container/temp");

    @TempDir
    Path dir;

    private static Config load(Map<String, String> props, Map<String, String> env, Map<String, String> params) {
        return ConfigLoader.of(props::get, env, params::get).load(TEMP);
    }

    private static Config withParam(String name, String value) {
        return load(Map.of(), Map.of(), Map.of(name, value));
    }

    @Test
    void defaultsAreDesignMdsTable() {
        Config c = load(Map.of(), Map.of(), Map.of());
        assertEquals(60_000, c.intervalMs(), "interval");
        assertNull(c.endpoint(), "endpoint");
        assertNull(c.secret(), "secret");
        assertEquals(false, c.discard(), "discard");
        assertEquals(10_000, c.flushTimeoutMs(), "flushTimeout");
        assertEquals(100, c.maxPendingBatches(), "maxPendingBatches");
        assertEquals(TEMP, c.spoolDir(), "spoolDir defaults to the root the listener passes in");
        assertEquals(64 << 20, c.maxPendingBytes(), "maxPendingBytes");
        assertEquals(1_000_000, c.maxBodyBytes(), "maxBodyBytes: under nginx's default 1 MiB body limit");
        assertEquals(100_000, c.maxKeys(), "maxKeys");
        assertEquals(512, c.maxKeyLength(), "maxKeyLength");
        assertEquals(false, c.keyFromReferer(), "keyFromReferer");
        assertEquals(false, c.respectDoNotTrack(), "respectDoNotTrack");
        assertEquals(0.1, c.notifyDeltaRatio(), "notifyDeltaRatio");
        assertEquals(2_000, c.notifyMinDelayMs(), "notifyMinDelay");
        assertEquals(25_000, c.notifyMaxDelayMs(), "notifyMaxDelay");
        assertEquals(3_600_000, c.maxConnDurationMs(), "maxConnDuration");
        assertEquals(50_000, c.maxConnections(), "maxConnections");
        assertEquals(100_000, c.maxPages(), "maxPages");
        assertEquals(512, c.maxPageLength(), "maxPageLength");
        assertEquals(60_000, c.pageCleanDelayMs(), "pageCleanDelay");
        assertEquals(List.of("*"), c.allowedOrigins(), "allowedOrigins");
        assertNull(c.redisUrl(), "redisUrl");
        assertEquals(5_000, c.nodeTimeoutMs(), "nodeTimeout");
        assertEquals(true, c.dashboardPublic(), "dashboardPublic");
    }

    @ParameterizedTest(name = "{0}={1} → {2}")
    @CsvSource({
            "interval, 600, 600000",
            "interval, 0.5, 500",
            "interval, 500ms, 500",
            "interval, 30s, 30000",
            "interval, 10m, 600000",
            "interval, 1h, 3600000",
            "notifyMinDelay, 0, 0",
            "maxConnDuration, 0, 0",
    })
    void durationsAreSecondsOrCarryAUnit(String name, String value, long expectedMs) {
        Config c = withParam(name, value);
        long actual = name.equals("interval") ? c.intervalMs()
                : name.equals("notifyMinDelay") ? c.notifyMinDelayMs() : c.maxConnDurationMs();
        assertEquals(expectedMs, actual, name + "=" + value);
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
            "interval | 0 | a number of seconds",
            "interval | -5 | a number of seconds",
            "interval | soon | a number of seconds",
            "interval | 10 minutes | a number of seconds",
            "flushTimeout | 0s | at least 1ms",
            "notifyMaxDelay | 1 | at least 2000ms",
            "discard | yes | true or false",
            "discard | TRUE | true or false",
            "keyFromReferer | 1 | true or false",
            "dashboardPublic | no | true or false",
            "endpoint | ftp://x | scheme http or https",
            "endpoint | not a url | scheme http or https",
            "endpoint | http:/nohost | scheme http or https",
            "redisUrl | http://localhost:6379 | scheme redis or rediss",
            "maxKeys | 0 | whole number",
            "maxKeys | 10.5 | whole number",
            "maxKeys | 99999999999 | whole number",
            "maxKeyLength | -1 | whole number",
            "maxBodyBytes | 1000 | whole number from 16384",
            "maxPendingBytes | 0 | whole number from 1",
            "notifyDeltaRatio | 1.5 | from 0 to 1",
            "notifyDeltaRatio | x | from 0 to 1",
            "allowedOrigins | example.com | list of origins",
            "secret | '' | non-empty",
    })
    void badValuesNameTheParameterTheValueAndWhatIsAllowed(String name, String value, String allowed) {
        ConfigException e = assertThrows(ConfigException.class, () -> withParam(name, value), name + "=" + value);
        assertTrue(e.getMessage().contains(name + "=\"" + value + "\""), "message names parameter and value: " + e.getMessage());
        assertTrue(e.getMessage().contains(allowed), "message says what is allowed (" + allowed + "): " + e.getMessage());
        assertTrue(e.getMessage().contains("context-param"), "message names the source: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1} is refused without echoing a secret")
    @CsvSource(delimiter = '|', value = {
            "endpoint | ftp://user:pa55word@host/x?token=t0ken | ftp://***@host/x?***",
            "endpoint | htp//u:pa55word@host?t0ken | ***@host?***",
            "redisUrl | redis//:pa55word@cache:6379 | ***@cache:6379",
            "redisUrl | http://:pa/55word@cache:6379 | http://***@cache:6379",
    })
    void urlsAreEchoedWithoutCredentials(String name, String value, String shown) {
        ConfigException e = assertThrows(ConfigException.class, () -> withParam(name, value), name + "=" + value);
        assertTrue(e.getMessage().contains(name + "=\"" + shown + "\""), "the value shown redacted: " + e.getMessage());
        assertFalse(e.getMessage().contains("55word") || e.getMessage().contains("t0ken"), "no secret: " + e.getMessage());
    }

    @Test
    void precedenceIsSystemPropertyThenEnvThenContextParamThenConfigJsonThenDefault() throws Exception {
        Path json = dir.resolve("config.json");
        Files.writeString(json, "{\"interval\": 5, \"endpoint\": \"http://file/\", \"secret\": \"s-file\", \"discard\": true}");
        Map<String, String> props = new HashMap<>(Map.of("headcount.interval", "1"));
        Map<String, String> env = new HashMap<>(Map.of("HEADCOUNT_INTERVAL", "2", "HEADCOUNT_ENDPOINT", "http://env/"));
        Map<String, String> params = new HashMap<>(Map.of("interval", "3", "endpoint", "http://param/",
                "secret", "s-param", "config", json.toString()));

        Config c = load(props, env, params);
        assertEquals(1_000, c.intervalMs(), "system property wins over all");
        assertEquals(URI.create("http://env/"), c.endpoint(), "environment wins over context-param and config.json");
        assertEquals("s-param", c.secret(), "context-param wins over config.json");
        assertEquals(true, c.discard(), "config.json wins over the default");
        assertEquals(10_000, c.flushTimeoutMs(), "default where nobody names it");

        props.clear();
        env.clear();
        params.remove("interval");
        assertEquals(5_000, load(props, env, params).intervalMs(), "config.json interval is in seconds");
    }

    @Test
    void configFileItselfCanBeNamedByAnySource() throws Exception {
        Path json = dir.resolve("pixel-ping.json");
        Files.writeString(json, "{\"host\": \"\", \"port\": \"9187\", \"interval\": 600, "
                + "\"endpoint\": \"https://www.example.com:443/internal/save_hits\", \"discard\": false, "
                + "\"sslkey\": \"/k.pem\", \"sslcert\": \"/c.pem\"}");
        Config c = load(Map.of("headcount.config", json.toString()), Map.of(), Map.of());
        assertEquals(600_000, c.intervalMs(), "Pixel Ping interval");
        assertEquals(URI.create("https://www.example.com:443/internal/save_hits"), c.endpoint(), "Pixel Ping endpoint");
        assertEquals(false, c.discard(), "Pixel Ping discard");
    }

    @Test
    void badConfigJsonValuesAreReportedWithTheirSource() throws Exception {
        Path json = dir.resolve("config.json");
        Files.writeString(json, "{\"interval\": 0}");
        ConfigException e = assertThrows(ConfigException.class, () -> withParam("config", json.toString()));
        assertTrue(e.getMessage().contains("interval=\"0\"") && e.getMessage().contains(json.toString()),
                "message names interval, its value and the file: " + e.getMessage());
    }

    @ParameterizedTest(name = "config.json {0}")
    @CsvSource(delimiter = '|', value = {
            "missing | ",
            "malformed | {\"interval\": ",
            "an array | [1, 2]",
    })
    void unreadableConfigJsonFailsNamingTheFile(String what, String content) throws Exception {
        Path json = dir.resolve("config.json");
        if (content != null) {
            Files.writeString(json, content);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> withParam("config", json.toString()), what);
        assertTrue(e.getMessage().contains("config=\"" + json + "\""), "message names config and the path: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "interval, HEADCOUNT_INTERVAL",
            "maxKeys, HEADCOUNT_MAX_KEYS",
            "redisUrl, HEADCOUNT_REDIS_URL",
            "notifyDeltaRatio, HEADCOUNT_NOTIFY_DELTA_RATIO",
            "dashboardPublic, HEADCOUNT_DASHBOARD_PUBLIC",
    })
    void environmentNamesAreUpperSnakeCase(String name, String env) {
        assertEquals(env, ConfigLoader.envName(name), "env name of " + name);
    }

    @ParameterizedTest(name = "dashboardPublic={0} → {1}")
    @CsvSource({
            "true, true",
            "false, false",
    })
    void dashboardPublicIsTrueOrFalse(String value, boolean expected) {
        assertEquals(expected, withParam("dashboardPublic", value).dashboardPublic(), "dashboardPublic=" + value);
    }

    @Test
    void environmentIsRead() {
        Function<String, String> none = n -> null;
        Config c = ConfigLoader.of(none, Map.of("HEADCOUNT_MAX_KEYS", "7"), none).load(TEMP);
        assertEquals(7, c.maxKeys(), "maxKeys read from HEADCOUNT_MAX_KEYS");
    }

    @Test
    void listsAreCommaSeparated() {
        assertEquals(List.of("https://a.example", "http://b.example:8080"),
                withParam("allowedOrigins", "https://a.example, http://b.example:8080").allowedOrigins(), "origins");
    }
}
