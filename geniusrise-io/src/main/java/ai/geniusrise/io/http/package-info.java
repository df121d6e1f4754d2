/**
 * Built-in spouts over HTTP: {@link ai.geniusrise.io.http.HttpListenerSpout} (streaming) turns
 * each POST body into a record and answers once its output acknowledged it;
 * {@link ai.geniusrise.io.http.HttpFetchSpout} (batch) GETs a URL and emits its records. Both
 * run without {@code class:} for their source forms and are meant to be extended.
 */
package ai.geniusrise.io.http;
