package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every link between the README and the pages of docs/ leads somewhere: the file exists and, for
 * a link to a heading, the heading does (anchors made as GitHub makes them: lower case, spaces to
 * hyphens, punctuation dropped, a repeated heading numbered). Links inside code blocks and to the
 * web are not followed.
 */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.*)$");

    @Test
    void everyLinkOfTheReadmeAndTheDocsLeadsToAFileAndAHeadingThatExist() throws IOException {
        Path root = Project.root();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue(pages.size() > 10, "the docs were found: " + pages);
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        int followed = 0;
        for (Path page : pages) {
            boolean fence = false;
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    fence = !fence;
                }
                if (fence) {
                    continue;
                }
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    String url = m.group(1);
                    if (url.matches("^(https?|mailto):.*")) {
                        continue;
                    }
                    followed++;
                    int hash = url.indexOf('#');
                    String file = hash < 0 ? url : url.substring(0, hash);
                    Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                    String where = root.relativize(page) + ":" + (i + 1) + ": " + url;
                    if (!Files.exists(target)) {
                        broken.add(where + " (no such file)");
                    } else if (hash >= 0 && target.toString().endsWith(".md")
                            && !anchors.computeIfAbsent(target, DocsLinksTest::anchors).contains(url.substring(hash + 1))) {
                        broken.add(where + " (no such heading)");
                    }
                }
            }
        }
        assertTrue(followed > 50, "links were read: " + followed);
        assertEquals(List.of(), broken, "broken links");
    }

    private static Set<String> anchors(Path page) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fence = false;
        try {
            for (String line : Files.readAllLines(page)) {
                if (line.startsWith("```")) {
                    fence = !fence;
                }
                Matcher m = HEADING.matcher(line);
                if (!fence && m.matches()) {
                    String slug = m.group(1).strip().toLowerCase(Locale.ROOT).replace("`", "")
                            .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    out.add(n == 0 ? slug : slug + "-" + n);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
