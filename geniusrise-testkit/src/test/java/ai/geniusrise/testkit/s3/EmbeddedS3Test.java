package ai.geniusrise.testkit.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class EmbeddedS3Test {

    @TempDir
    Path dir;

    @Test
    void storesObjectsInAFolderThatOutlivesTheStore() {
        String bucket;
        try (EmbeddedS3 s3 = EmbeddedS3.builder().dataDir(dir.resolve("data")).build().start()) {
            bucket = s3.createBucket("kept");
            s3.client().putObject(r -> r.bucket(bucket).key("a/b.txt"), RequestBody.fromString("hello"));
        }
        try (EmbeddedS3 again = EmbeddedS3.builder().dataDir(dir.resolve("data")).build().start()) {
            assertThat(again.client().getObjectAsBytes(r -> r.bucket(bucket).key("a/b.txt")).asUtf8String())
                    .isEqualTo("hello");
        }
        assertThat(Files.exists(dir.resolve("data"))).isTrue();
    }

    @Test
    void acceptsOnlyItsOwnCredentials() {
        try (EmbeddedS3 s3 = EmbeddedS3.builder().credentials("me", "my-secret").build().start()) {
            s3.createBucket("mine");
            // the options are the S3 adapter's keys, which it writes itself: without geniusrise-io, none
            assertThatThrownBy(s3::options).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("geniusrise-io");
            try (var stranger = S3Clients.pathStyle(s3.endpoint(), s3.region(), "me", "not-my-secret")) {
                assertThatThrownBy(stranger::listBuckets).isInstanceOf(S3Exception.class)
                        .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
            }
        }
    }

    @Test
    void startingTwiceIsRefused() {
        try (EmbeddedS3 s3 = EmbeddedS3.builder().build().start()) {
            assertThatThrownBy(s3::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(s3.endpoint());
        }
    }

    @Test
    void anExistingEndpointNeedsItsCredentialsInTheEnvironment() {
        assertThatThrownBy(() -> S3Extension.open(Map.of(S3Extension.ENDPOINT_ENV, "http://localhost:9000")))
                .isInstanceOf(ParameterResolutionException.class).hasMessageContaining(S3Extension.ACCESS_KEY_ENV);
    }

    @Test
    void anExistingEndpointNamedInTheEnvironmentIsUsedInsteadOfAnEmbeddedOne() {
        try (EmbeddedS3 running = EmbeddedS3.builder().build().start()) {
            S3Endpoint endpoint = S3Extension.open(Map.of(S3Extension.ENDPOINT_ENV, running.endpoint(),
                    S3Extension.ACCESS_KEY_ENV, running.accessKeyId(),
                    S3Extension.SECRET_KEY_ENV, running.secretAccessKey()));
            assertThat(endpoint).isInstanceOf(ExistingS3.class);
            String bucket = endpoint.createBucket("shared");
            assertThat(running.client().headBucket(r -> r.bucket(bucket)).sdkHttpResponse().isSuccessful()).isTrue();
            ((ExistingS3) endpoint).close();
        }
    }
}
