package ai.geniusrise.testkit;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;

/** A streaming spout: emits 1, 2, 3, ... about once a millisecond until asked to stop. */
public class CounterSpout extends Spout {

    volatile boolean sawStop;

    @Override
    protected void produce(Emitter out) throws InterruptedException {
        long n = 0;
        while (!context().stopRequested()) {
            out.emit(Record.of(Long.toString(++n)));
            Thread.sleep(1);
        }
        sawStop = true;
    }
}
