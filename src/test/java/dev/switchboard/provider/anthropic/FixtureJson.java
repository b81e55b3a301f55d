package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.Locale;

/**
 * The JSON form of canonical records in fixtures (described in
 * {@code src/test/resources/fixtures/anthropic/README.md}): records as objects of their
 * components, nulls left out, enums in lower case, and the sealed types with a {@code type}
 * discriminator. Test-side only; the gateway never writes canonical records as JSON.
 */
final class FixtureJson {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
        @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
        @JsonSubTypes.Type(value = ContentPart.Audio.class, name = "audio"),
        @JsonSubTypes.Type(value = ContentPart.File.class, name = "file"),
        @JsonSubTypes.Type(value = ContentPart.ToolCall.class, name = "tool_call"),
        @JsonSubTypes.Type(value = ContentPart.ToolResult.class, name = "tool_result"),
        @JsonSubTypes.Type(value = ContentPart.Reasoning.class, name = "reasoning")})
    interface ContentPartForm {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = StreamEvent.Start.class, name = "start"),
        @JsonSubTypes.Type(value = StreamEvent.TextDelta.class, name = "text_delta"),
        @JsonSubTypes.Type(value = StreamEvent.ReasoningDelta.class, name = "reasoning_delta"),
        @JsonSubTypes.Type(value = StreamEvent.ToolCallStart.class, name = "tool_call_start"),
        @JsonSubTypes.Type(value = StreamEvent.ToolCallDelta.class, name = "tool_call_delta"),
        @JsonSubTypes.Type(value = StreamEvent.Finish.class, name = "finish"),
        @JsonSubTypes.Type(value = StreamEvent.UsageReport.class, name = "usage")})
    interface StreamEventForm {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ToolChoice.Auto.class, name = "auto"),
        @JsonSubTypes.Type(value = ToolChoice.None.class, name = "none"),
        @JsonSubTypes.Type(value = ToolChoice.Required.class, name = "required"),
        @JsonSubTypes.Type(value = ToolChoice.Named.class, name = "named")})
    interface ToolChoiceForm {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ResponseFormat.Text.class, name = "text"),
        @JsonSubTypes.Type(value = ResponseFormat.JsonObject.class, name = "json_object"),
        @JsonSubTypes.Type(value = ResponseFormat.JsonSchema.class, name = "json_schema")})
    interface ResponseFormatForm {}

    static final JsonMapper MAPPER = Json.MAPPER.rebuild()
            .addMixIn(ContentPart.class, ContentPartForm.class)
            .addMixIn(StreamEvent.class, StreamEventForm.class)
            .addMixIn(ToolChoice.class, ToolChoiceForm.class)
            .addMixIn(ResponseFormat.class, ResponseFormatForm.class)
            .addModule(new SimpleModule().addSerializer(Role.class, lowerCase()).addSerializer(FinishReason.class, lowerCase()))
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private FixtureJson() {}

    static <T> T read(String json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    /** A canonical record as a tree, numbers parsed as the gateway's mapper parses them (so trees compare). */
    static JsonNode tree(Object value) throws IOException {
        return Json.parse(MAPPER.writeValueAsBytes(value));
    }

    /** One line of a {@code .jsonl} file. */
    static String line(Object value) throws IOException {
        return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    private static <E extends Enum<E>> JsonSerializer<E> lowerCase() {
        return new JsonSerializer<>() {
            @Override
            public void serialize(E value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.name().toLowerCase(Locale.ROOT));
            }
        };
    }
}
