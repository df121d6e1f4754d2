/**
 * The built-in TCP spout: {@link ai.geniusrise.io.tcp.TcpListenerSpout} listens on
 * {@code tcp://host:port} and writes one record per line to a streaming output. It runs without
 * {@code class:} for that source form and is meant to be extended.
 */
package ai.geniusrise.io.tcp;
