package org.headcount.config;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Reads a Pixel Ping {@code config.json} as a settings source, so a Pixel Ping deployment moves over unchanged. */
final class PixelPingConfigFile {

    private static final System.Logger LOG = System.getLogger(PixelPingConfigFile.class.getName());
    private static final Set<String> USED = Set.of("interval", "endpoint", "secret", "discard");
    private static final Set<String> CONTAINER_OWNED = Set.of("host", "port", "sslkey", "sslcert", "sslca");

    private PixelPingConfigFile() {
    }

    static ConfigLoader.Source read(Path file) {
        JsonObject json;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader parser = Json.createReader(reader)) {
            json = parser.readObject();
        } catch (Exception e) {
            throw new ConfigException("Invalid Headcount configuration: config=\"" + file
                    + "\": expected a readable Pixel Ping config.json holding a JSON object (" + e + ")", e);
        }
        for (String key : json.keySet()) {
            if (CONTAINER_OWNED.contains(key)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: \"{1}\" belongs to the servlet container now; "
                        + "set it in tomcat-conf/server.xml (see the README, HTTPS)", file, key);
            }
        }
        return new ConfigLoader.Source("Pixel Ping config " + file,
                name -> USED.contains(name) ? text(json.get(name)) : null);
    }

    private static String text(JsonValue value) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        if (value instanceof JsonNumber number) {
            return number.bigDecimalValue().stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }
}
