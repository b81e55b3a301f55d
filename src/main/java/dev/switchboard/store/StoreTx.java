package dev.switchboard.store;

/** The repositories, bound to one open transaction. */
public interface StoreTx {

    DeploymentRepository deployments();

    KeyRepository keys();

    TeamRepository teams();

    FallbackRepository fallbacks();

    RouterSettingsRepository routerSettings();

    MasterKeyRepository masterKey();
}
