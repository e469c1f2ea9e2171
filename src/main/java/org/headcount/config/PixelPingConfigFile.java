package org.headcount.config;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** Reads a Pixel Ping {@code config.json} as a settings source, so a Pixel Ping deployment moves over unchanged. */
final class PixelPingConfigFile {

    private static final System.Logger LOG = System.getLogger(PixelPingConfigFile.class.getName());
    private static final Set<String> USED = Set.of("interval", "endpoint", "secret", "discard");
    private static final Set<String> CONTAINER_OWNED = Set.of("host", "port", "sslkey", "sslcert", "sslca");

    private PixelPingConfigFile() {
    }

    @SuppressWarnings("unchecked")
    static ConfigLoader.Source read(Path file) {
        Map<String, Object> json;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8); Jsonb jsonb = JsonbBuilder.create()) {
            json = jsonb.fromJson(reader, Map.class);
        } catch (Exception e) {
            throw new ConfigException("Invalid Headcount configuration: config=\"" + file
                    + "\": expected a readable Pixel Ping config.json (a JSON object): " + e.getMessage(), e);
        }
        if (json == null) {
            throw new ConfigException("Invalid Headcount configuration: config=\"" + file
                    + "\": expected a JSON object, found null", null);
        }
        for (String key : json.keySet()) {
            if (CONTAINER_OWNED.contains(key)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: \"{1}\" belongs to the servlet container now; "
                        + "set it in tomcat-conf/server.xml (see the README, HTTPS)", file, key);
            }
        }
        return new ConfigLoader.Source("Pixel Ping config " + file, name -> USED.contains(name) ? text(json.get(name)) : null);
    }

    private static String text(Object value) {
        if (value instanceof BigDecimal number) {
            return number.stripTrailingZeros().toPlainString();
        }
        return value == null ? null : value.toString();
    }
}
