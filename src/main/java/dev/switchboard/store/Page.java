package dev.switchboard.store;

import java.util.List;
import java.util.function.Function;

/** One page of a list, and the size of the whole list. */
public record Page<T>(List<T> items, int limit, int offset, long total) {

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), limit, offset, total);
    }
}
