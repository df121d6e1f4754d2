/**
 * Batch storage on S3 and S3-compatible stores ({@code s3://} locations):
 * {@link ai.geniusrise.io.s3.S3BatchStorage}, found by {@link java.util.ServiceLoader}.
 * Its javadoc lists the options and states the commit protocol on S3.
 */
package ai.geniusrise.io.s3;
