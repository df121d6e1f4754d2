package com.acme;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

import java.util.Locale;

/** Emits each record with its value in upper case. */
public final class Uppercase extends Bolt {

    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in.withValue(in.valueAsString().toUpperCase(Locale.ROOT)));
    }
}
