package dev.switchboard.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaSamplerTest {

    private static JsonNode json(String s) {
        try {
            return Json.parse(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sample(String schema) {
        return SchemaSampler.sample(json(schema));
    }

    /** The sample as compact JSON text: compares values and property order, not Jackson node classes. */
    private static String text(String schema) {
        return Json.text(sample(schema));
    }

    @Test
    void sample_boundsAndLengths_areRespected() {
        assertThat(sample("{\"type\":\"integer\",\"minimum\":2.5}").asLong()).isEqualTo(3);
        assertThat(sample("{\"type\":\"integer\",\"maximum\":-4}").asLong()).isEqualTo(-4);
        assertThat(sample("{\"type\":\"number\",\"maximum\":0.5}").asDouble()).isEqualTo(0.5);
        assertThat(sample("{\"type\":\"string\",\"minLength\":10}").asText()).hasSize(10);
    }

    @Test
    void sample_const_winsOverEverythingElse() {
        assertThat(text("{\"type\":\"string\",\"const\":\"fixed\",\"enum\":[\"a\"],\"default\":\"d\"}")).isEqualTo("\"fixed\"");
        assertThat(sample("{\"const\":null}").isNull()).isTrue();
    }

    @Test
    void sample_enum_takesFirstValue() {
        assertThat(text("{\"type\":\"string\",\"enum\":[\"red\",\"green\"],\"default\":\"green\"}")).isEqualTo("\"red\"");
        assertThat(text("{\"type\":\"integer\",\"enum\":[7,8]}")).isEqualTo("7");
    }

    @Test
    void sample_default_winsOverType() {
        assertThat(text("{\"type\":\"integer\",\"default\":42}")).isEqualTo("42");
        assertThat(text("{\"type\":\"object\",\"default\":{\"k\":[1]}}")).isEqualTo("{\"k\":[1]}");
    }

    @Test
    void sample_object_hasEveryPropertyInDeclaredOrderNamedAfterItsKey() {
        String s = text("""
                {"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"boolean"},
                 "mid":{"type":"object","properties":{"inner":{"type":"string"},"n":{"type":"number"}}}},
                 "required":["alpha"]}""");
        assertThat(s).isEqualTo("{\"zeta\":\"zeta\",\"alpha\":true,\"mid\":{\"inner\":\"inner\",\"n\":1.5}}");
    }

    @Test
    void sample_propertiesWithoutType_isAnObject_itemsWithoutType_isAnArray() {
        assertThat(text("{\"properties\":{\"a\":{\"type\":\"integer\"}}}")).isEqualTo("{\"a\":1}");
        assertThat(text("{\"items\":{\"type\":\"boolean\"}}")).isEqualTo("[true]");
    }

    @Test
    void sample_array_hasMinItemsSamplesOrOne() {
        assertThat(text("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":3}")).isEqualTo("[1,1,1]");
        assertThat(text("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}")).isEqualTo("[1]");
        assertThat(text("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":0}")).isEqualTo("[1]");
    }

    @Test
    void sample_arrayItemsOfStrings_areNamedAfterTheArrayProperty() {
        assertThat(text("{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}"))
                .isEqualTo("{\"tags\":[\"tags\"]}");
    }

    @Test
    void sample_scalars_followTheirDefaults() {
        assertThat(text("{\"type\":\"integer\"}")).isEqualTo("1");
        assertThat(text("{\"type\":\"integer\",\"minimum\":10}")).isEqualTo("10");
        assertThat(sample("{\"type\":\"number\"}").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(sample("{\"type\":\"number\",\"minimum\":0.25}").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(text("{\"type\":\"boolean\"}")).isEqualTo("true");
        assertThat(sample("{\"type\":\"null\"}").isNull()).isTrue();
        assertThat(text("{\"type\":\"string\"}")).isEqualTo("\"sample\"");
        assertThat(text("{}")).isEqualTo("\"sample\"");
    }

    @ParameterizedTest
    @CsvSource({
        "date, 2025-01-01",
        "date-time, 2025-01-01T00:00:00Z",
        "email, user@example.com",
        "uri, https://example.com",
        "url, https://example.com",
        "uuid, 00000000-0000-4000-8000-000000000000",
        "hostname, field"
    })
    void sample_stringFormat_givesFormatExampleElsePropertyName(String format, String expected) {
        JsonNode s = sample("{\"properties\":{\"field\":{\"type\":\"string\",\"format\":\"" + format + "\"}}}");
        assertThat(s.get("field").textValue()).isEqualTo(expected);
    }

    @Test
    void sample_refToDefs_isResolvedAgainstTheRootSchema() {
        String s = text("""
                {"type":"object","properties":{"home":{"$ref":"#/$defs/Address"},"work":{"$ref":"#/definitions/Address"}},
                 "$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"integer","minimum":1000}}}},
                 "definitions":{"Address":{"type":"object","properties":{"street":{"type":"string"}}}}}""");
        assertThat(s).isEqualTo("{\"home\":{\"city\":\"city\",\"zip\":1000},\"work\":{\"street\":\"street\"}}");
    }

    @Test
    void sample_refToMissingDefinition_givesEmptyObject() {
        assertThat(text("{\"properties\":{\"x\":{\"$ref\":\"#/$defs/Nope\"}}}")).isEqualTo("{\"x\":{}}");
    }

    @Test
    void sample_recursiveRef_terminates() {
        JsonNode s = sample("""
                {"$ref":"#/$defs/Node","$defs":{"Node":{"type":"object","properties":{"child":{"$ref":"#/$defs/Node"}}}}}""");
        assertThat(s.isObject()).isTrue();
        assertThat(s.has("child")).isTrue();
    }

    @Test
    void sample_anyOfWithNull_takesTheNonNullBranch() {
        String s = text("""
                {"properties":{"nick":{"anyOf":[{"type":"null"},{"type":"string"}]},
                 "age":{"oneOf":[{"type":"integer","minimum":3},{"type":"null"}]},
                 "ref":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/Id"}]}},
                 "$defs":{"Id":{"type":"string","format":"uuid"}}}""");
        assertThat(s).isEqualTo("{\"nick\":\"nick\",\"age\":3,\"ref\":\"00000000-0000-4000-8000-000000000000\"}");
    }

    @Test
    void sample_anyOfOnlyNull_givesNull() {
        assertThat(sample("{\"anyOf\":[{\"type\":\"null\"}]}").isNull()).isTrue();
    }

    @Test
    void sample_allOf_takesFirstBranch() {
        assertThat(text("{\"allOf\":[{\"type\":\"integer\",\"minimum\":5},{\"type\":\"integer\",\"maximum\":9}]}")).isEqualTo("5");
    }

    @Test
    void sample_typeArrayWithNull_takesTheNonNullType() {
        assertThat(text("{\"type\":[\"null\",\"integer\"]}")).isEqualTo("1");
        assertThat(text("{\"type\":[\"string\",\"null\"],\"format\":\"date\"}")).isEqualTo("\"2025-01-01\"");
    }

    @Test
    void sample_typeArrayOfOnlyNull_givesNull() {
        assertThat(sample("{\"type\":[\"null\"]}").isNull()).isTrue();
    }

    @Test
    void sample_nullOrNonObjectSchema_givesEmptyObject() {
        assertThat(Json.text(SchemaSampler.sample(null))).isEqualTo("{}");
        assertThat(text("true")).isEqualTo("{}");
    }

    @Test
    void sample_isDeterministic() {
        String schema = "{\"properties\":{\"a\":{\"type\":\"array\",\"minItems\":2,\"items\":{\"type\":\"string\",\"format\":\"email\"}}}}";
        assertThat(text(schema)).isEqualTo(text(schema));
    }
}
