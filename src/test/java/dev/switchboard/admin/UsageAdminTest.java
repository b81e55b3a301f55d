package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageAdminTest {

    @Test
    void summedCosts_loseTheBinaryNoiseOfAddingDoubles() {
        double sum = 0.0;
        for (int i = 0; i < 3; i++) sum += 0.018015;
        assertThat(sum).as("the noise this removes").isNotEqualTo(0.054045);
        assertThat(UsageAdmin.usd(sum)).isEqualTo(0.054045);
        assertThat(UsageAdmin.usd(1.23456789012345)).isEqualTo(1.2345678901);
        assertThat(UsageAdmin.usd(0)).isZero();
    }
}
