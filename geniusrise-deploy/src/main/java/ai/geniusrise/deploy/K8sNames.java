package ai.geniusrise.deploy;

import java.util.regex.Pattern;

/**
 * The rules the Kubernetes API server applies to names, label keys and values, and annotation
 * keys beyond its schema ({@code k8s.io/apimachinery/pkg/util/validation}). Each check returns
 * what is wrong, or {@code null}.
 */
final class K8sNames {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private K8sNames() {
    }

    /** A DNS-1123 label (namespaces, container names): at most 63 lower-case letters, digits and '-'. */
    static String dns1123Label(String s) {
        return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches() ? null
                : "'" + s + "' is not a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and "
                + "ending with a letter or digit";
    }

    /** A DNS-1035 label (Service names): as a DNS-1123 label, starting with a letter. */
    static String dns1035Label(String s) {
        return s.length() <= 63 && DNS1035_LABEL.matcher(s).matches() ? null
                : "'" + s + "' is not a DNS-1035 label: at most 63 lower-case letters, digits and '-', starting with a "
                + "letter and ending with a letter or digit";
    }

    /** A DNS-1123 subdomain (most object names, service accounts, secret names). */
    static String dns1123Subdomain(String s) {
        return s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches() ? null
                : "'" + s + "' is not a DNS-1123 subdomain: at most 253 lower-case letters, digits, '-' and '.', "
                + "starting and ending with a letter or digit";
    }

    /** A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63. */
    static String qualifiedName(String key) {
        int slash = key.lastIndexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || dns1123Subdomain(prefix) != null) {
                return "'" + key + "' has an invalid prefix: expected a DNS-1123 subdomain such as example.com/";
            }
        }
        return name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches() ? null
                : "'" + key + "' is not a valid key: a name of at most 63 letters, digits, '-', '_' and '.', starting "
                + "and ending with a letter or digit, optionally prefixed by a DNS subdomain and '/'";
    }

    /** A label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending alphanumeric. */
    static String labelValue(String value) {
        return value.length() <= 63 && LABEL_VALUE.matcher(value).matches() ? null
                : "'" + value + "' is not a valid label value: at most 63 letters, digits, '-', '_' and '.', starting "
                + "and ending with a letter or digit";
    }
}
