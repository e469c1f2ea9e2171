package org.headcount.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.headcount.config.ConfigLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README and docs/ cannot rot unnoticed: every relative link and #anchor leads somewhere, and every setting
 * the code reads is in the configuration reference and in tomcat-conf/context.xml.
 */
class DocsTest {

    private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final Path CONFIGURATION = PROJECT.resolve("docs/configuration.md");
    private static final Path CONTEXT_XML = PROJECT.resolve("tomcat-conf/context.xml");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern PARAMETER = Pattern.compile("<Parameter\\s+name=\"([^\"]+)\"");

    @ParameterizedTest(name = "\"{0}\" → #{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Configuration reference                                  | configuration-reference
            HTTPS with Pixel Ping's PEM files (Tomcat)               | https-with-pixel-pings-pem-files-tomcat
            Flushing to an `https://` endpoint: the truststore       | flushing-to-an-https-endpoint-the-truststore
            allowedOrigins is not access control                     | allowedorigins-is-not-access-control
            What `mvn verify` runs                                   | what-mvn-verify-runs
            Scale-out: several nodes (Redis)                         | scale-out-several-nodes-redis
            snake_case_name and 1.5–1.6×                             | snake_case_name-and-1516
            Zählen über Knoten                                       | zählen-über-knoten
            See [the outbox](delivery.md#x) now                      | see-the-outbox-now
            Two  spaces                                              | two--spaces
            """)
    void headingsGetGitHubsAnchors(String heading, String anchor) {
        assertEquals(anchor, Markdown.slug(heading), "GitHub's anchor for the heading \"" + heading + "\"");
    }

    @Test
    void duplicateHeadingsAreNumberedAndCodeIsNotMarkdown() {
        Markdown md = new Markdown("""
                # Setup
                ## Setup
                Setup
                -----
                ```sh
                # not a heading [nor a link](nowhere.md)
                ```
                `[not a link](nowhere.md)` but [a link](real.md#setup-2) and [an image](pic.png "title")
                """);
        assertEquals(List.of("setup", "setup-1", "setup-2"), List.copyOf(md.anchors()), "anchors of three Setups");
        assertEquals(List.of("real.md#setup-2", "pic.png"), md.links().stream().map(Markdown.Link::target).toList(),
                "links outside code only");
    }

    @TestFactory
    Stream<DynamicTest> everyRelativeLinkAndAnchorResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(PROJECT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 1, "docs/ holds Markdown files under " + PROJECT);
        return files.stream().map(file -> DynamicTest.dynamicTest(PROJECT.relativize(file).toString(), () -> {
            List<String> broken = brokenLinks(file);
            assertTrue(broken.isEmpty(), PROJECT.relativize(file) + " has " + broken.size() + " broken link(s):\n  "
                    + String.join("\n  ", broken));
        }));
    }

    @Test
    void everySettingTheCodeReadsIsInTheConfigurationReference() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (List<String> row : new Markdown(Files.readString(CONFIGURATION)).tableRows()) {
            Matcher m = BACKTICKED.matcher(row.get(0));
            while (m.find()) {
                documented.add(m.group(1));
            }
        }
        assertDocuments("docs/configuration.md's settings table (a row whose first cell is `name`)", documented);
    }

    @Test
    void everySettingTheCodeReadsIsInContextXml() throws IOException {
        Set<String> listed = new TreeSet<>();
        Matcher m = PARAMETER.matcher(Files.readString(CONTEXT_XML));
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertDocuments("tomcat-conf/context.xml (a commented-out <Parameter name=\"…\">)", listed);
    }

    /** Every name the code reads is documented in {@code where}, and nothing there is a name it does not read. */
    private static void assertDocuments(String where, Set<String> documented) {
        Set<String> read = settingsTheCodeReads();
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(read);
        assertTrue(missing.isEmpty(), "settings ConfigLoader reads but " + where + " lacks: " + missing);
        assertTrue(stale.isEmpty(), where + " names settings ConfigLoader never reads: " + stale);
    }

    /** The names ConfigLoader looks up, recorded by a source that answers none of them, so each gets its default. */
    private static Set<String> settingsTheCodeReads() {
        Set<String> names = new LinkedHashSet<>();
        new ConfigLoader(List.of(new ConfigLoader.Source("recording", name -> {
            names.add(name);
            return null;
        }))).load(Path.of("/tmp"));
        assertTrue(names.contains("config") && names.contains("interval") && names.size() > 20,
                "the recording source saw the constructor's config and load()'s settings: " + names);
        return names;
    }

    private static List<String> brokenLinks(Path file) throws IOException {
        List<String> broken = new ArrayList<>();
        for (Markdown.Link link : new Markdown(Files.readString(file)).links()) {
            if (link.external()) {
                continue;
            }
            String where = "line " + link.line() + ", (" + link.target() + "): ";
            Path target = link.path().isEmpty() ? file : file.getParent().resolve(link.path()).normalize();
            if (!Files.exists(target)) {
                broken.add(where + "no file " + PROJECT.relativize(target));
            } else if (link.anchor() != null) {
                if (!target.toString().endsWith(".md")) {
                    broken.add(where + "an anchor on " + PROJECT.relativize(target) + ", which is not Markdown");
                    continue;
                }
                Set<String> anchors = new Markdown(Files.readString(target)).anchors();
                if (!anchors.contains(link.anchor())) {
                    broken.add(where + "no heading #" + link.anchor() + " in " + PROJECT.relativize(target)
                            + "; its headings are #" + String.join(", #", anchors));
                }
            }
        }
        return broken;
    }
}
