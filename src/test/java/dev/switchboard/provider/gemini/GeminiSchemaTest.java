package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.transport.Json;
import org.junit.jupiter.api.Test;

/** A Gemini SDK's Schema becomes JSON Schema that OpenAI's and Anthropic's validators take. */
class GeminiSchemaTest {

    @Test
    void geminiSchema_becomesJsonSchema() throws Exception {
        var in = Json.parse("""
                {"type":"OBJECT","propertyOrdering":["tags","kind","type"],"required":["tags"],
                 "properties":{
                   "tags":{"type":"ARRAY","minItems":"1","maxItems":"3","items":{"type":"STRING","maxLength":"20"}},
                   "kind":{"type":"STRING","format":"enum","enum":["a","b"],"nullable":true},
                   "type":{"type":"STRING","description":"a property named like a keyword"},
                   "when":{"type":"STRING","format":"date-time"},
                   "either":{"anyOf":[{"type":"INTEGER"},{"type":"BOOLEAN"}],"nullable":true}}}""");
        // compared as parsed text: counts are written as longs, a parser reads ints
        assertThat(Json.parse(Json.text(GeminiWire.jsonSchema(in)))).isEqualTo(Json.parse("""
                {"type":"object","required":["tags"],
                 "properties":{
                   "tags":{"type":"array","minItems":1,"maxItems":3,"items":{"type":"string","maxLength":20}},
                   "kind":{"type":["string","null"],"enum":["a","b",null]},
                   "type":{"type":"string","description":"a property named like a keyword"},
                   "when":{"type":"string","format":"date-time"},
                   "either":{"anyOf":[{"type":"integer"},{"type":"boolean"},{"type":"null"}]}}}"""));
        assertThat(in.at("/properties/tags/minItems").isTextual()).as("the input is left as it was").isTrue();
    }

    @Test
    void theSnakeCaseKeywordsOfThePythonSdk_areReadAsTheirCamelCase() throws Exception {
        // what google-genai (Python) sends for a pydantic model with a Union field and length limits
        var in = Json.parse("""
                {"type":"OBJECT","property_ordering":["name","v","tags"],"required":["name","v"],
                 "properties":{
                   "name":{"type":"STRING","min_length":"1","max_length":"5"},
                   "v":{"any_of":[{"type":"INTEGER"},{"type":"STRING"}],"nullable":true},
                   "tags":{"type":"ARRAY","min_items":"1","max_items":"3","items":{"type":"STRING"}},
                   "any_of":{"type":"STRING","description":"a property named like a snake_case keyword"}}}""");
        assertThat(Json.parse(Json.text(GeminiWire.jsonSchema(in)))).isEqualTo(Json.parse("""
                {"type":"object","required":["name","v"],
                 "properties":{
                   "name":{"type":"string","minLength":1,"maxLength":5},
                   "v":{"anyOf":[{"type":"integer"},{"type":"string"},{"type":"null"}]},
                   "tags":{"type":"array","minItems":1,"maxItems":3,"items":{"type":"string"}},
                   "any_of":{"type":"string","description":"a property named like a snake_case keyword"}}}"""));
    }
}
