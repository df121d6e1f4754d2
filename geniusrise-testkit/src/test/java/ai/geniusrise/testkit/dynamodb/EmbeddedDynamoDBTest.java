package ai.geniusrise.testkit.dynamodb;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedDynamoDBTest {

    @Test
    void tablesAndItemsSurviveAStopAndStartOnTheSamePort() {
        try (EmbeddedDynamoDB dynamo = EmbeddedDynamoDB.builder().build().start()) {
            try (DynamoDbClient client = client(dynamo)) {
                client.createTable(t -> t.tableName("kept").billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("k")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build()));
                client.putItem(p -> p.tableName("kept").item(Map.of("k", AttributeValue.fromS("a"),
                        "v", AttributeValue.fromS("before the restart"))));
            }
            dynamo.stop();
            assertThat(dynamo.isRunning()).isFalse();
            dynamo.start();
            try (DynamoDbClient client = client(dynamo)) {
                assertThat(client.getItem(g -> g.tableName("kept").key(Map.of("k", AttributeValue.fromS("a"))))
                        .item().get("v").s()).isEqualTo("before the restart");
            }
        }
    }

    private static DynamoDbClient client(EmbeddedDynamoDB dynamo) {
        return DynamoDbClient.builder().endpointOverride(URI.create(dynamo.endpoint()))
                .region(Region.of(EmbeddedDynamoDB.REGION)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}
