package ai.geniusrise.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

import java.util.Map;

/**
 * Kubernetes objects as the YAML a person writes: block style, keys in the model's order, plain
 * scalars unless YAML would read them as another type ({@code "8080"}, {@code "true"} stay
 * quoted), multi-line text (a ConfigMap's pipeline file) as a literal block. The object goes
 * through fabric8's own JSON form, so the fields are exactly those fabric8 writes. Thread-safe.
 */
final class ManifestYaml {

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
            .setIndicatorIndent(0).setWidth(Integer.MAX_VALUE).setSplitLines(false).setExplicitStart(true).build();

    /** One YAML document, starting with {@code ---}. */
    String write(HasMetadata object) {
        Map<?, ?> tree;
        try {
            tree = AwsJson.MAPPER.readValue(serialization.asJson(object), Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("fabric8 wrote JSON that does not read back: " + e.getMessage(), e);
        }
        // a representer keeps state while it works: one per document, so threads may share this writer
        return new Dump(settings, new Representer(settings)).dumpToString(tree);
    }

    /** Plain scalars, and literal blocks for text of several lines. */
    private static final class Representer extends StandardRepresenter {
        Representer(DumpSettings settings) {
            super(settings);
            this.representers.put(String.class, data -> {
                String text = (String) data;
                boolean block = text.indexOf('\n') >= 0 && text.lines().noneMatch(l -> l.endsWith(" "));
                return representScalar(Tag.STR, text, block ? ScalarStyle.LITERAL : ScalarStyle.PLAIN);
            });
        }
    }
}
