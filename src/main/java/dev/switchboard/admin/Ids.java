package dev.switchboard.admin;

import dev.switchboard.auth.KeyHash;

/** Ids of entities created through the API: a type prefix and 16 random base62 characters. */
final class Ids {

    private Ids() {}

    static String deployment() {
        return KeyHash.newKey("dep_", 16);
    }

    static String key() {
        return KeyHash.newKey("key_", 16);
    }

    static String team() {
        return KeyHash.newKey("team_", 16);
    }
}
