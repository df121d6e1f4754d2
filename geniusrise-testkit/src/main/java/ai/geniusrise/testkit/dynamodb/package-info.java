/**
 * A real DynamoDB endpoint for tests and local runs:
 * {@link ai.geniusrise.testkit.dynamodb.EmbeddedDynamoDB} (DynamoDB Local in this JVM) and
 * {@link ai.geniusrise.testkit.dynamodb.DynamoDBExtension}, which gives a JUnit 5 test class an
 * existing endpoint ({@code GENIUSRISE_TEST_DYNAMODB_ENDPOINT}), a container, or an embedded one.
 */
package ai.geniusrise.testkit.dynamodb;
