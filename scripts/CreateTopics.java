import ai.geniusrise.testkit.kafka.EmbeddedKafka;

/**
 * Creates Kafka topics of one partition for the container checks (a task refuses a missing output
 * topic): {@code java -cp 'geniusrise-cli/target/lib/*' scripts/CreateTopics.java BOOTSTRAP TOPIC...}.
 */
public class CreateTopics {
    public static void main(String[] args) {
        for (int i = 1; i < args.length; i++) {
            EmbeddedKafka.createTopic(args[0], args[i], 1);
        }
    }
}
