package ai.geniusrise.core.spi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The implementations of a service-provider interface on the classpath: those {@link ServiceLoader}
 * finds through this library's class loader, then those only the thread's context class loader
 * sees (a user's {@code --classpath}), each class once, in the order found.
 */
public final class Providers {

    private Providers() {
    }

    /** Every provider of {@code service}. */
    public static <S> List<S> load(Class<S> service) {
        List<S> out = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        for (ClassLoader loader : new ClassLoader[] {service.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (S provider : ServiceLoader.load(service, loader)) {
                if (seen.add(provider.getClass())) {
                    out.add(provider);
                }
            }
        }
        return out;
    }
}
