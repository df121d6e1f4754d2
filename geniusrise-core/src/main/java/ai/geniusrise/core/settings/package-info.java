/**
 * <b>For adapter authors</b>: how a storage, engine, state manager, deploy target or built-in
 * spout declares its settings once. A {@link ai.geniusrise.core.settings.Setting} is one key
 * (name, type, default, check, one line of documentation); a
 * {@link ai.geniusrise.core.settings.SettingsDef} is an adapter's set of them, which the pipeline
 * parser checks when the file is loaded (so {@code geniusrise validate} reports a mistake at the
 * line where the value was written) and from which the reference tables in the docs are made;
 * {@link ai.geniusrise.core.settings.Settings} are the typed values an adapter receives.
 * {@link ai.geniusrise.core.settings.Quantities} is the one grammar of durations and sizes.
 * Task authors have no need of this package.
 */
package ai.geniusrise.core.settings;
