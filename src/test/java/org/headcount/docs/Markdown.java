package org.headcount.docs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough of GitHub-flavoured Markdown to find a file's links, its headings' anchors and its table rows. */
final class Markdown {

    /** A link as written: its target, and the line it is on for messages. */
    record Link(String target, int line) {
        boolean external() {
            return target.matches("(?i)(https?://|mailto:).*");
        }

        /** The file part, URL-decoded; empty for a link to a heading of the same file. */
        String path() {
            int hash = target.indexOf('#');
            return URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        }

        /** The anchor without its {@code #}, or null when there is none. */
        String anchor() {
            int hash = target.indexOf('#');
            return hash < 0 ? null : target.substring(hash + 1);
        }
    }

    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    // [text](target) and ![alt](target), with an optional <…> around the target and an optional "title"
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern ATX = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
    // GitHub (github-slugger) keeps letters, marks, digits, connector punctuation (_), spaces and hyphens
    private static final Pattern NOT_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]");

    private final List<String> lines;

    Markdown(String text) {
        this.lines = outsideCode(text);
    }

    /** Every link outside code blocks and code spans, in order. */
    List<Link> links() {
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
            while (m.find()) {
                links.add(new Link(m.group(1), i + 1));
            }
        }
        return links;
    }

    /** The anchors GitHub gives this file's headings, duplicates numbered -1, -2, … in order. */
    Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String heading : headings()) {
            String base = slug(heading);
            String anchor = base;
            for (int n = seen.getOrDefault(base, 0); anchors.contains(anchor); n++) {
                anchor = base + "-" + (n + 1);
                seen.put(base, n + 1);
            }
            anchors.add(anchor);
        }
        return anchors;
    }

    /** The lines of every table row outside code, cells split, the leading and trailing pipes dropped. */
    List<List<String>> tableRows() {
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("|") && !t.matches("\\|[\\s|:-]*")) {
                List<String> cells = new ArrayList<>();
                for (String cell : t.substring(1).split("(?<!\\\\)\\|", -1)) {
                    cells.add(cell.trim());
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    /** GitHub's anchor for a heading: its text as rendered, lower-cased, punctuation gone, spaces made hyphens. */
    static String slug(String heading) {
        String text = heading
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")   // a link or image: its text
                .replaceAll("<[^>]+>", "");                         // inline HTML tags
        return NOT_SLUG.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
    }

    private List<String> headings() {
        List<String> headings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher atx = ATX.matcher(line);
            if (atx.matches()) {
                headings.add(atx.group(1));
            } else if (i > 0 && SETEXT.matcher(line).matches() && isParagraphText(lines.get(i - 1))) {
                headings.add(lines.get(i - 1).trim());
            }
        }
        return headings;
    }

    private static boolean isParagraphText(String line) {
        String t = line.trim();
        return !t.isEmpty() && !t.startsWith("|") && !t.startsWith("#") && !t.matches("[-*+] .*|\\d+\\. .*|>.*");
    }

    /** The text's lines with fenced code blocks blanked, so line numbers stay right. */
    private static List<String> outsideCode(String text) {
        List<String> out = new ArrayList<>();
        boolean inFence = false;
        for (String line : text.split("\n", -1)) {
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
                out.add("");
            } else {
                out.add(inFence ? "" : line);
            }
        }
        return out;
    }
}
