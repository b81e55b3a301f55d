package dev.switchboard.store;

import dev.switchboard.config.FallbackSpec;
import java.util.List;
import java.util.Optional;

/** Fallback chains, one per primary model and reason. */
public interface FallbackRepository {

    List<FallbackSpec> all();

    Optional<FallbackSpec> find(String primaryModel, String reason);

    void upsert(FallbackSpec f);

    boolean delete(String primaryModel, String reason);
}
