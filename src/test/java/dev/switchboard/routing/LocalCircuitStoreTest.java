package dev.switchboard.routing;

class LocalCircuitStoreTest extends CircuitStoreContract {

    @Override
    protected CircuitStore newStore() {
        return new LocalCircuitStore();
    }

    @Override
    protected String healthyMode() {
        return "local";
    }
}
