package dev.switchboard.store;

import java.util.List;
import java.util.function.Function;

/** One page of a list, and the size of the whole list. */
public record Page<T>(List<T> items, int limit, int offset, long total) {

    /** The page of {@code all} (a whole list held in memory) from {@code offset}, at most {@code limit} long. */
    public static <T> Page<T> of(List<T> all, int limit, int offset) {
        int from = Math.min(offset, all.size());
        return new Page<>(all.subList(from, Math.min(all.size(), from + limit)), limit, offset, all.size());
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), limit, offset, total);
    }
}
