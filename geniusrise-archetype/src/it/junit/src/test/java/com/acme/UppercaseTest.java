package com.acme;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.BatchOutputs;
import ai.geniusrise.testkit.TaskHarness;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The test kit in a user's project: TaskHarness in memory, and a pipeline on S3Extension's store. */
@ExtendWith(S3Extension.class)
class UppercaseTest {

    @Test
    void runsOnTheJUnitOfThisProject() {
        assertThat(Test.class.getPackage().getImplementationVersion())
                .isEqualTo(System.getProperty("expected.junit.version"));
    }

    @Test
    void upperCasesEachRecordInMemory() {
        try (TaskHarness<Uppercase> h = TaskHarness.of(new Uppercase()).open()) {
            h.send("hello", "world");
            assertThat(h.emittedValues()).containsExactly("HELLO", "WORLD");
        }
    }

    @Test
    void upperCasesAnS3Folder(S3Endpoint s3) throws Exception {
        String bucket = s3.createBucket("it");
        s3.client().putObject(b -> b.bucket(bucket).key("in/a.txt"), RequestBody.fromString("hello\nworld\n"));
        String yaml = """
                version: 1
                name: it
                defaults:
                  s3: {endpoint: "%s", region: %s, pathStyle: true, accessKeyId: %s, secretAccessKey: %s}
                tasks:
                  - name: uppercase
                    type: bolt
                    class: com.acme.Uppercase
                    config:
                      inputConfig:  {type: batch, source: "s3://%s/in", format: text}
                      outputConfig: {type: batch, destination: "s3://%s/out", format: text}
                """.formatted(s3.endpoint(), s3.region(), s3.accessKeyId(), s3.secretAccessKey(), bucket, bucket);
        Pipeline pipeline = Pipeline.parse(yaml, Path.of("it.yaml"), Map.of());

        TaskRunner.builder(pipeline.requireTask("uppercase")).pipelineName(pipeline.name()).build().run();

        assertThat(BatchOutputs.values("s3://" + bucket + "/out", s3.options())).containsExactly("HELLO", "WORLD");
    }
}
