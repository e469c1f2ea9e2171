package org.headcount.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link Config} from the first source that names each setting: system property
 * {@code headcount.x}, environment {@code HEADCOUNT_X}, context-param {@code x}, a Pixel Ping
 * {@code config.json} named by {@code config}, then the default.
 */
public final class ConfigLoader {

    /** One place settings can come from; {@code lookup} answers null for a setting it does not name. */
    public record Source(String description, Function<String, String> lookup) {}

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    /** Room for any one key of the longest maxKeyLength a body is likely to meet, escaped. */
    static final int MIN_BODY_BYTES = 16 * 1024;
    private static final String DURATION_FORM = "a number of seconds (60, 0.5) or a number with a unit (500ms, 30s, 10m, 1h)";

    private final List<Source> sources;

    public ConfigLoader(List<Source> sources) {
        this.sources = new ArrayList<>(sources);
        Setting config = find("config");
        if (config != null) {
            this.sources.add(PixelPingConfigFile.read(Path.of(config.value)));
        }
    }

    /** The sources a deployed WAR uses: this JVM's system properties and environment, then the context-params. */
    public static ConfigLoader standard(Function<String, String> contextParams) {
        return of(System.getProperties()::getProperty, System.getenv(), contextParams);
    }

    static ConfigLoader of(Function<String, String> systemProperties, Map<String, String> env,
                           Function<String, String> contextParams) {
        return new ConfigLoader(List.of(
                new Source("system property", name -> systemProperties.apply("headcount." + name)),
                new Source("environment", name -> env.get(envName(name))),
                new Source("context-param", contextParams)));
    }

    /** {@code maxKeys} → {@code HEADCOUNT_MAX_KEYS}. */
    public static String envName(String name) {
        return "HEADCOUNT_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** Reads and checks every setting; {@code defaultSpoolDir} is where deployments keep their outboxes by default. */
    public Config load(Path defaultSpoolDir) {
        long notifyMinDelayMs = duration("notifyMinDelay", "2", 0);
        long intervalMs = duration("interval", "60", 1);
        return new Config(
                intervalMs,
                url("endpoint", "http", "https"),
                text("secret"),
                bool("discard", false),
                duration("flushTimeout", "10", 1),
                positiveInt("maxPendingBatches", 100),
                atLeast("maxPendingBytes", 64 << 20, 1),
                atLeast("maxBodyBytes", 1_000_000, MIN_BODY_BYTES),
                path("spoolDir", defaultSpoolDir),
                positiveInt("maxKeys", 100_000),
                positiveInt("maxKeyLength", 512),
                bool("keyFromReferer", false),
                bool("respectDoNotTrack", false),
                ratio("notifyDeltaRatio", 0.1),
                notifyMinDelayMs,
                duration("notifyMaxDelay", "25", Math.max(notifyMinDelayMs, 1)),
                duration("maxConnDuration", "3600", 0),
                positiveInt("maxConnections", 50_000),
                positiveInt("maxPages", 100_000),
                positiveInt("maxPageLength", 512),
                duration("pageCleanDelay", "60", 0),
                oneOf("countBy", "visitors", "visitors", "connections").equals("visitors"),
                duration("incrementDelay", "0", 0),
                positiveInt("maxNewKeysPerClient", 1_000),
                // A page reloaded once a second all interval long is still counted.
                positiveInt("maxHitsPerKeyPerClient", (int) Math.max(10, Math.min(Integer.MAX_VALUE, 2 * (intervalMs / 1000)))),
                positiveInt("maxLiveConnectionsPerClient", 100),
                positiveInt("maxNewLivePagesPerClient", 100),
                addresses("clientLimitsExempt", "127.0.0.1,::1"),
                origins("allowedOrigins"),
                url("redisUrl", "redis", "rediss"),
                duration("nodeTimeout", "5", 1),
                bool("dashboardPublic", true));
    }

    private record Setting(String name, String value, String source) {
        ConfigException invalid(String allowed) {
            return new ConfigException(name, value, source, allowed);
        }

        /** As {@link #invalid}, echoing the value without the user-info and query a URL carries secrets in. */
        ConfigException invalidUrl(String allowed) {
            String shown = value.replaceAll("^([a-zA-Z][a-zA-Z0-9+.-]*:/*)?.*@", "$1***@")
                    .replaceAll("[?#].*", "?***");
            return new ConfigException(name, shown, source, allowed);
        }
    }

    private Setting find(String name) {
        for (Source source : sources) {
            String value = source.lookup().apply(name);
            if (value != null) {
                return new Setting(name, value.trim(), source.description());
            }
        }
        return null;
    }

    private Setting findOrDefault(String name, String defaultValue) {
        Setting found = find(name);
        return found != null ? found : new Setting(name, defaultValue, "default");
    }

    private long duration(String name, String defaultValue, long minMs) {
        Setting s = findOrDefault(name, defaultValue);
        Matcher m = DURATION.matcher(s.value);
        String allowed = DURATION_FORM + (minMs > 0 ? ", at least " + minMs + "ms" : "");
        if (!m.matches()) {
            throw s.invalid("expected " + allowed);
        }
        double perUnit = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        double ms = Double.parseDouble(m.group(1)) * perUnit;
        if (ms < minMs || ms > Long.MAX_VALUE / 2) {
            throw s.invalid("expected " + allowed);
        }
        return Math.round(ms);
    }

    private int positiveInt(String name, int defaultValue) {
        return atLeast(name, defaultValue, 1);
    }

    private int atLeast(String name, int defaultValue, int min) {
        Setting s = findOrDefault(name, Integer.toString(defaultValue));
        try {
            int n = Integer.parseInt(s.value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw s.invalid("expected a whole number from " + min + " to " + Integer.MAX_VALUE);
    }

    private boolean bool(String name, boolean defaultValue) {
        Setting s = findOrDefault(name, Boolean.toString(defaultValue));
        return switch (s.value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw s.invalid("expected true or false");
        };
    }

    private String oneOf(String name, String defaultValue, String... allowed) {
        Setting s = findOrDefault(name, defaultValue);
        if (!List.of(allowed).contains(s.value)) {
            throw s.invalid("expected " + String.join(" or ", allowed));
        }
        return s.value;
    }

    private double ratio(String name, double defaultValue) {
        Setting s = findOrDefault(name, Double.toString(defaultValue));
        try {
            double r = Double.parseDouble(s.value);
            if (r >= 0 && r <= 1) {
                return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw s.invalid("expected a number from 0 to 1");
    }

    private String text(String name) {
        Setting s = find(name);
        if (s == null) {
            return null;
        }
        if (s.value.isEmpty()) {
            throw s.invalid("expected a non-empty string, or leave it unset");
        }
        return s.value;
    }

    private URI url(String name, String... schemes) {
        Setting s = find(name);
        if (s == null) {
            return null;
        }
        String allowed = "expected an absolute URL with scheme " + String.join(" or ", schemes) + " and a host";
        try {
            URI uri = new URI(s.value);
            if (uri.getHost() != null && List.of(schemes).contains(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))) {
                return uri;
            }
        } catch (Exception e) {
            // reported below
        }
        throw s.invalidUrl(allowed);
    }

    private Path path(String name, Path defaultValue) {
        Setting s = find(name);
        if (s == null) {
            return defaultValue;
        }
        try {
            return Path.of(s.value).toAbsolutePath();
        } catch (Exception e) {
            throw s.invalid("expected a directory path");
        }
    }

    /** A comma-separated list of IP addresses, each normalized as the container writes a remote address. */
    private List<String> addresses(String name, String defaultValue) {
        Setting s = findOrDefault(name, defaultValue);
        List<String> addresses = new ArrayList<>();
        for (String part : s.value.split(",")) {
            String address = part.trim();
            if (address.isEmpty()) {
                continue;
            }
            // A literal only: InetAddress would otherwise look a host name up in DNS.
            if (!address.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw s.invalid("expected a comma-separated list of IP addresses, such as 127.0.0.1,::1");
            }
            try {
                addresses.add(java.net.InetAddress.getByName(address).getHostAddress());
            } catch (java.net.UnknownHostException e) {
                throw s.invalid("expected a comma-separated list of IP addresses, such as 127.0.0.1,::1");
            }
        }
        return addresses;
    }

    private List<String> origins(String name) {
        Setting s = findOrDefault(name, "*");
        List<String> origins = new ArrayList<>();
        for (String origin : s.value.split(",")) {
            String o = origin.trim();
            if (!o.equals("*") && !o.matches("https?://[^/?#\\s]+")) {
                throw s.invalid("expected * or a comma-separated list of origins such as https://example.com");
            }
            origins.add(o);
        }
        return origins;
    }
}
