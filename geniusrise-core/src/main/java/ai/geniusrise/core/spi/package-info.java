/**
 * <b>For adapter authors</b>: the service-provider interfaces through which core finds, with
 * {@link java.util.ServiceLoader}, what it does not know — batch storage by scheme
 * ({@link ai.geniusrise.core.spi.BatchStorage}), the streaming engine
 * ({@link ai.geniusrise.core.spi.StreamingEngine}), and built-in tasks
 * ({@link ai.geniusrise.core.spi.BuiltInTasks}), and schema-registry formats kept in modules of
 * their own ({@link ai.geniusrise.core.spi.SchemaCodec}). Adding a backend is adding a module that
 * implements one of them, never editing core. {@link ai.geniusrise.core.spi.FixedTaskContext} is
 * the context the runtime and the test kit hand tasks; task authors have no need of it.
 */
package ai.geniusrise.core.spi;
