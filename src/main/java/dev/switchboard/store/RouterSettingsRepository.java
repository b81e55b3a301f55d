package dev.switchboard.store;

import dev.switchboard.config.RouterSettings;
import java.util.Optional;

/** The one router-settings document, as given (defaults are filled by its reader). */
public interface RouterSettingsRepository {

    record Stored(RouterSettings settings, String source) {}

    Optional<Stored> get();

    void put(RouterSettings settings, String source);

    void clear();
}
