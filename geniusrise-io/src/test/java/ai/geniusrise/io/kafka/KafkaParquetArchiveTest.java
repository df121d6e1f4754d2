package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.spi.PassThroughBolt;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka → S3 interval bolt writing parquet: the same offset-range names, files DuckDB reads. */
@ExtendWith(S3Extension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaParquetArchiveTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void archivesATopicToParquetObjectsNamedAfterTopicPartitionAndOffsets(S3Endpoint s3) throws Exception {
        String bucket = s3.createBucket("parquet-archive");
        String topic = "clicks-parquet";
        KAFKA.createTopic(topic, 1);
        KafkaTopics topics = new KafkaTopics(KAFKA.bootstrapServers());
        topics.produce(topic, 0, 25, i -> "{\"id\":" + i + ",\"url\":" + (i % 5 == 0 ? "null" : "\"/p/" + i + "\"")
                + "}");
        BatchOutputConfig out = BatchOutputConfig.builder("s3://" + bucket + "/archive").format(Format.PARQUET)
                .compression(Compression.ZSTD).maxRecordsPerPart(10).flushInterval(Duration.ofHours(1))
                .options(s3.options()).build();
        TaskSpec spec = TaskSpec.builder("pq", TaskSpec.Kind.BOLT).taskClass(PassThroughBolt.class)
                .input(StreamingInputConfig.builder(topic).bootstrapServers(KAFKA.bootstrapServers()).build())
                .output(out).build();
        try (RunningTask task = RunningTask.start(spec, new PassThroughBolt())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (keys(s3, bucket).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            RunSummary summary = task.stop(Duration.ofSeconds(30));
            assertThat(summary.recordsOut()).isEqualTo(25);
        }
        String p0 = "archive/" + topic + "/partition=0/" + topic + "+0+";
        List<String> objects = keys(s3, bucket);
        assertThat(objects).containsExactly(p0 + "0000000000.parquet", p0 + "0000000010.parquet",
                p0 + "0000000020.parquet");
        List<Path> local = new ArrayList<>();
        for (String key : objects) {
            Path f = dir.resolve(local.size() + ".parquet");
            s3.client().getObject(r -> r.bucket(bucket).key(key), f);
            local.add(f);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), sum(id), count(url) FROM read_parquet('"
                     + dir + "/*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(25);
            assertThat(rs.getLong(2)).as("each record in exactly one object").isEqualTo(25);
            assertThat(rs.getLong(3)).isEqualTo(300);
            assertThat(rs.getLong(4)).isEqualTo(20);
        }
    }

    private static List<String> keys(S3Endpoint s3, String bucket) {
        return s3.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix("archive/")).contents().stream()
                .map(S3Object::key).filter(k -> !k.contains("_geniusrise")).sorted().toList();
    }
}
