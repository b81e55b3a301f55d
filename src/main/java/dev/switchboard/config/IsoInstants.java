package dev.switchboard.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The instants users write ({@code expiresAt}, {@code --expires}, {@code from}/{@code to} of
 * {@code GET /admin/usage}): ISO-8601 with an offset ({@code 2027-01-31T00:00:00Z},
 * {@code …+02:00}) or a date alone ({@code 2027-01-31}), which is its start in UTC.
 */
public final class IsoInstants {

    /** Reads JSON and YAML strings as {@link #parse} does; registered after Jackson's JavaTimeModule, it wins for {@link Instant}. */
    public static final SimpleModule MODULE = new SimpleModule("iso-instants").addDeserializer(Instant.class, new Deserializer());

    private IsoInstants() {}

    /** @throws DateTimeParseException when {@code text} is neither an instant with an offset nor a date */
    public static Instant parse(String text) {
        String v = text.strip();
        if (v.length() == 10) return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        return OffsetDateTime.parse(v).toInstant();
    }

    private static final class Deserializer extends StdScalarDeserializer<Instant> {
        Deserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            try {
                return parse(p.getText());
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(),
                        "not an ISO-8601 instant (2027-01-31T00:00:00Z) or date (2027-01-31)");
            }
        }
    }
}
