package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.BuiltInTasks;
import ai.geniusrise.core.spi.DeployTarget;
import ai.geniusrise.core.spi.Providers;
import ai.geniusrise.core.state.StateManagerProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference tables of the settings in {@code docs/pipeline-yaml.md} and {@code docs/deploy.md}
 * are generated from the declarations ({@link SettingsDef}): the pipeline file's own keys
 * ({@link Pipeline#fileKeys()}) and those of the providers on the classpath;
 * each lies between {@code <!-- settings:ID -->} and {@code <!-- /settings -->}. This test fails
 * when a table differs from what the declarations give, when a declaration has no table, or when
 * a table names no declaration; run it with {@code -Dgeniusrise.docs.write=true} to rewrite them.
 */
class SettingsDocsTest {

    static final String REGENERATE = "./mvnw -B -ntp -pl geniusrise-cli -am verify -Dtest=SettingsDocsTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dgeniusrise.docs.write=true";
    private static final Pattern REGION = Pattern.compile(
            "(<!-- settings:([a-z0-9:-]+) -->\\n)(.*?)(<!-- /settings -->)", Pattern.DOTALL);
    private static final List<Path> DOCS = List.of(docs().resolve("pipeline-yaml.md"), docs().resolve("deploy.md"));

    /** Every declared definition, by the id of its table in the docs. */
    static Map<String, SettingsDef> definitions() {
        Map<String, SettingsDef> all = new LinkedHashMap<>(Pipeline.fileKeys());
        for (BatchStorage s : Providers.load(BatchStorage.class)) {
            all.put("options:" + String.join("-", new TreeSet<>(s.schemes())), s.settings());
        }
        for (BuiltInTasks b : Providers.load(BuiltInTasks.class)) {
            b.allSettings().forEach((name, def) -> all.put("spout:" + name, def));
        }
        for (StateManagerProvider p : Providers.load(StateManagerProvider.class)) {
            all.put("state:" + p.type(), p.settings());
        }
        List<DeployTarget> targets = DeployTarget.all();
        Set<String> common = new LinkedHashSet<>();
        targets.get(0).settings().settings().forEach(s -> common.add(s.name()));
        targets.forEach(t -> common.removeIf(k -> t.settings().setting(k) == null));
        SettingsDef every = SettingsDef.of("every target");
        for (String key : common) {
            every = every.with(targets.get(0).settings().setting(key));
        }
        all.put("deploy:common", every);
        for (DeployTarget t : targets) {
            SettingsDef own = SettingsDef.of(t.target());
            for (Setting<?> s : t.settings().settings()) {
                if (!common.contains(s.name())) {
                    own = own.with(s);
                }
            }
            all.put("deploy:" + t.target(), own);
        }
        return all;
    }

    @Test
    void theDocsTablesAreTheDeclarationsOfTheProvidersOnTheClasspath() throws IOException {
        Map<String, SettingsDef> definitions = definitions();
        Set<String> documented = new TreeSet<>();
        List<String> stale = new ArrayList<>();
        boolean write = Boolean.getBoolean("geniusrise.docs.write");
        for (Path doc : DOCS) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Matcher m = REGION.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String id = m.group(2);
                documented.add(id);
                assertThat(definitions).as("%s: table <!-- settings:%s --> names a declaration", doc, id)
                        .containsKey(id);
                String table = definitions.get(id).markdownTable();
                if (!table.equals(m.group(3))) {
                    stale.add(doc.getFileName() + " settings:" + id);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + table + m.group(4)));
            }
            m.appendTail(out);
            if (write) {
                Files.writeString(doc, out.toString(), StandardCharsets.UTF_8);
            }
        }
        assertThat(documented).as("every declared setting is in the docs: add <!-- settings:ID --><!-- /settings --> "
                + "where it belongs, then run " + REGENERATE).containsAll(definitions.keySet());
        assertThat(write || stale.isEmpty()).as("the docs differ from the settings declarations in " + stale
                + "; regenerate them with: " + REGENERATE).isTrue();
    }

    @Test
    void everyDeclaredSettingHasARowInTheDocs() throws IOException {
        String docs = Files.readString(DOCS.get(0)) + Files.readString(DOCS.get(1));
        for (Map.Entry<String, SettingsDef> e : definitions().entrySet()) {
            for (Setting<?> s : e.getValue().settings()) {
                assertThat(docs).as(e.getKey() + " " + s.name()).contains("| `" + s.name() + "` | " + s.expected()
                        .replace("|", "\\|"));
            }
        }
    }

    private static Path docs() {
        Path here = Path.of("").toAbsolutePath();
        Path docs = here.resolve("docs");
        return Files.isDirectory(docs) ? docs : here.getParent().resolve("docs");
    }
}
