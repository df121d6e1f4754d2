/** The {@code dynamodb} state manager: {@link ai.geniusrise.state.dynamodb.DynamoDBStateManager}. */
package ai.geniusrise.state.dynamodb;
