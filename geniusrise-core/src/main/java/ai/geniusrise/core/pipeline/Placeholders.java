package ai.geniusrise.core.pipeline;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in scalar values of a pipeline file from an
 * environment map; <code>$${</code> is a literal <code>${</code>. As in a POSIX shell,
 * {@code ${VAR}} of a variable set to the empty string is empty, and {@code ${VAR:-default}}
 * uses the default when the variable is unset or empty.
 */
final class Placeholders {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Placeholders() {
    }

    /**
     * {@code text} with every placeholder replaced.
     *
     * @throws IllegalArgumentException naming the variable that is unset and has no default, or
     *                                  describing a malformed placeholder
     */
    static String expand(String text, Map<String, String> env) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated placeholder '" + text.substring(i)
                            + "': expected ${NAME} or ${NAME:-default} (write $${ for a literal ${)");
                }
                String body = text.substring(i + 2, close);
                int sep = body.indexOf(":-");
                String name = sep < 0 ? body : body.substring(0, sep);
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("'${" + body + "}' is not a valid placeholder: expected "
                            + "${NAME} or ${NAME:-default} where NAME is letters, digits and '_' "
                            + "(write $${ for a literal ${)");
                }
                String value = env.get(name);
                if (sep >= 0 && (value == null || value.isEmpty())) {
                    value = body.substring(sep + 2);
                } else if (value == null) {
                    throw new IllegalArgumentException("environment variable '" + name
                            + "' is not set; set it, or give a default with ${" + name + ":-default}");
                }
                out.append(value);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
