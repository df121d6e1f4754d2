/**
 * <b>For users of Kafka with a schema registry</b>: {@code keyFormat: protobuf} and
 * {@code valueFormat: protobuf}. Put this module ({@code ai.geniusrise:geniusrise-protobuf}) on the
 * class path next to {@code geniusrise-io}; {@link ai.geniusrise.protobuf.ProtobufCodec} is found
 * by {@link java.util.ServiceLoader} and needs no code. Everything else here is internal.
 */
package ai.geniusrise.protobuf;
