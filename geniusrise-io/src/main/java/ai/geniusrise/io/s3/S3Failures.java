package ai.geniusrise.io.s3;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns an AWS SDK failure into an {@link IOException} a user can act on: it names the operation,
 * the bucket (and key) and the endpoint, and says what probably went wrong (no such bucket,
 * denied credentials, endpoint unreachable, timeout). Stateless.
 */
final class S3Failures {

    private S3Failures() {
    }

    /**
     * @param operation what was being done, such as "listing objects" or "completing upload"
     * @param key       the object's key, or {@code null} for a bucket-wide operation
     */
    static IOException translate(SdkException e, String operation, String bucket, String key, S3Settings settings) {
        String what = operation + " " + (key == null ? "in bucket '" + bucket + "'" : "s3://" + bucket + "/" + key)
                + " at " + settings.describeEndpoint();
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String detail = s3.awsErrorDetails() == null ? s3.getMessage() : s3.awsErrorDetails().errorMessage();
            int status = s3.statusCode();
            if ("NoSuchBucket".equals(code) || (status == 404 && key == null)) {
                return new NoSuchFileException("s3://" + bucket, null, "bucket '" + bucket + "' does not exist ("
                        + what + ")");
            }
            if ("NoSuchKey".equals(code) || status == 404) {
                return new NoSuchFileException("s3://" + bucket + "/" + key, null, "no such object (" + what + ")");
            }
            if (status == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
                    || "AccessDenied".equals(code)) {
                AccessDeniedException denied = new AccessDeniedException("s3://" + bucket, null, "access denied to "
                        + "bucket '" + bucket + "' while " + what + ": " + (code == null ? "HTTP 403" : code)
                        + " (check the credentials: options accessKeyId/secretAccessKey, AWS_ACCESS_KEY_ID/"
                        + "AWS_SECRET_ACCESS_KEY or the profile, and the bucket's policy)");
                denied.initCause(e);
                return denied;
            }
            return new IOException(what + " failed: HTTP " + status + (code == null ? "" : " " + code)
                    + (detail == null ? "" : ": " + detail), e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new IOException(what + " timed out (" + e.getMessage() + "); the options requestTimeoutSeconds "
                    + "and maxAttempts bound it", e);
        }
        if (e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials")) {
            return new IOException(what + ": no AWS credentials found; set options accessKeyId and "
                    + "secretAccessKey, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile", e);
        }
        if (e instanceof SdkClientException) {
            return new IOException("cannot reach " + settings.describeEndpoint() + " for bucket '" + bucket
                    + "' while " + operation + (key == null ? "" : " s3://" + bucket + "/" + key) + ": "
                    + rootMessage(e), e);
        }
        return new IOException(what + " failed: " + e.getMessage(), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
