package dev.switchboard.provider;

import java.util.function.Consumer;

/**
 * An upstream's event source seen through a per-stream translator: each upstream event becomes
 * zero or more events of another kind (for an adapter: provider chunks to canonical
 * {@link dev.switchboard.model.StreamEvent}s) as it arrives — nothing is buffered beyond what
 * the translator itself keeps. Pause, resume and cancel act on the upstream; a failure of the
 * upstream passes through unchanged, so mid-stream errors reach the consumer exactly as they do
 * from the untranslated source.
 */
public final class TranslatedSource<I, O> implements EventSource<O> {

    /** Created per stream and not thread-safe: it may keep state from one event to the next. */
    public interface Translator<I, O> {
        void onEvent(I event, Consumer<O> out);

        /** The upstream ended properly: emit whatever the end completes (a held usage, missing finishes). */
        void onEnd(Consumer<O> out);
    }

    private final EventSource<I> upstream;
    private final Translator<I, O> translator;

    public TranslatedSource(EventSource<I> upstream, Translator<I, O> translator) {
        this.upstream = upstream;
        this.translator = translator;
    }

    @Override
    public void start(EventSink<O> sink) {
        Consumer<O> emit = sink::onEvent;
        upstream.start(new EventSink<>() {
            @Override
            public void onEvent(I event) {
                translator.onEvent(event, emit);
            }

            @Override
            public void onEnd() {
                translator.onEnd(emit);
                sink.onEnd();
            }

            @Override
            public void onError(UpstreamException error) {
                sink.onError(error);
            }
        });
    }

    @Override
    public void pause() {
        upstream.pause();
    }

    @Override
    public void resume() {
        upstream.resume();
    }

    @Override
    public void cancel() {
        upstream.cancel();
    }
}
