package org.headcount.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the distribution tests share: where the build put things, and file chores for making container bases. */
public final class Distributions {

    /** A cold container JVM on a busy 2-core CI machine deploys the WAR in a few seconds; this is the ceiling. */
    public static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private Distributions() {
    }

    /** A directory the build names in system property {@code property} (set by failsafe), or {@code fallback}. */
    public static Path fromBuild(String property, String fallback) {
        Path path = Path.of(System.getProperty(property, fallback)).toAbsolutePath();
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing (" + property + "): the distribution tests run in "
                    + "mvn verify, after pre-integration-test has unpacked the distributions");
        }
        return path;
    }

    /** The project's own directory, holding pom.xml, tomcat-conf/ and jetty-conf/. */
    public static Path project() {
        return fromBuild("distribution.project", ".");
    }

    /** A new, empty directory for one container run, under target/distributions. */
    public static Path freshDirectory(String name) throws IOException {
        Path work = Path.of(System.getProperty("distribution.work", "target/distributions")).toAbsolutePath();
        Path dir = work.resolve(name);
        delete(dir);
        return Files.createDirectories(dir);
    }

    /** This JVM's own java launcher, so the containers run on the JDK the tests run on. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Headcount settings as {@code -Dheadcount.name=value}, the first place Headcount looks. */
    public static List<String> systemProperties(Map<String, String> settings) {
        List<String> options = new ArrayList<>();
        settings.forEach((name, value) -> options.add("-Dheadcount." + name + "=" + value));
        return options;
    }

    /** Copies the files under {@code from} into {@code to}, replacing files of the same name. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
