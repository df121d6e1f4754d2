package ai.geniusrise.examples.wordcount;

import ai.geniusrise.testkit.TaskHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WordCountTest {

    @Test
    void countsWordsCaseInsensitivelyAndEmitsThemMostFrequentFirstAtFlush() {
        try (TaskHarness<WordCount> h = TaskHarness.of(new WordCount()).open()) {
            h.send("The cat saw the dog.", "A dog, the CAT!");
            assertThat(h.emitted()).as("nothing is emitted before flush").isEmpty();

            h.flush();

            assertThat(h.emittedAs(WordCount.WordTotal.class)).containsExactly(
                    new WordCount.WordTotal("the", 3), new WordCount.WordTotal("cat", 2),
                    new WordCount.WordTotal("dog", 2), new WordCount.WordTotal("a", 1),
                    new WordCount.WordTotal("saw", 1));
            assertThat(h.emitted().get(0).keyAsString()).isEqualTo("the");
        }
    }

    @Test
    void minLengthAndTopArgumentsFilterTheOutput() {
        try (TaskHarness<WordCount> h = TaskHarness.of(new WordCount()).arg("minLength", 3).arg("top", 2).open()) {
            h.send("an ox and an owl and an eel", "owl owl eel");
            h.flush();

            assertThat(h.emittedAs(WordCount.WordTotal.class)).containsExactly(
                    new WordCount.WordTotal("owl", 3), new WordCount.WordTotal("and", 2));
        }
    }

    @Test
    void lettersAndDigitsOfAnyScriptMakeWords() {
        try (TaskHarness<WordCount> h = TaskHarness.of(new WordCount()).open()) {
            h.send("Café über 42 — café");
            h.flush();

            assertThat(h.emittedAs(WordCount.WordTotal.class)).containsExactly(
                    new WordCount.WordTotal("café", 2), new WordCount.WordTotal("42", 1),
                    new WordCount.WordTotal("über", 1));
        }
    }
}
