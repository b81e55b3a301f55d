package dev.switchboard.routing;

/**
 * Why an attempt failed, which decides what happens next:
 * <ul>
 *   <li>{@code REQUEST}: the provider refused this request (4xx other than 429); no health penalty,
 *       another deployment only where it could help.</li>
 *   <li>{@code THROTTLE}: 429; cool the deployment down, honouring Retry-After.</li>
 *   <li>{@code TRANSIENT}: timeouts, 5xx, connection errors, broken streams; retry elsewhere.</li>
 *   <li>{@code CONFIGURATION}: 401/403/404 from the provider; the deployment is misconfigured.</li>
 *   <li>{@code GATEWAY}: our own failure; neutral for the deployment's health.</li>
 * </ul>
 */
public enum FailureClass {
    REQUEST, THROTTLE, TRANSIENT, CONFIGURATION, GATEWAY;

    public boolean retryable() {
        return this == THROTTLE || this == TRANSIENT || this == CONFIGURATION;
    }
}
