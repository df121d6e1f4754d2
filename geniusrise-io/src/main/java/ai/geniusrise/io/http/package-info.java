/**
 * Built-in streaming spouts that listen on HTTP: {@link ai.geniusrise.io.http.HttpListenerSpout}
 * turns each POST body into a record and answers once its output acknowledged it.
 */
package ai.geniusrise.io.http;
