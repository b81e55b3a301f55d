package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.List;

/**
 * The JSON form of canonical records used by the Gemini golden fixtures (described in
 * {@code src/test/resources/fixtures/gemini/README.md}): each record as an object of its
 * components by name, null components left out, empty lists allowed to be left out; a sealed
 * type's variant named by a {@code type} member (snake_case of the variant: {@code tool_call},
 * {@code json_schema}, {@code text_delta}); enums by name ({@code "STOP"}).
 */
final class FixtureCanonicalJson {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
            @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
            @JsonSubTypes.Type(value = ContentPart.Audio.class, name = "audio"),
            @JsonSubTypes.Type(value = ContentPart.File.class, name = "file"),
            @JsonSubTypes.Type(value = ContentPart.ToolCall.class, name = "tool_call"),
            @JsonSubTypes.Type(value = ContentPart.ToolResult.class, name = "tool_result"),
            @JsonSubTypes.Type(value = ContentPart.Reasoning.class, name = "reasoning")})
    private interface ContentPartMixin {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ToolChoice.Auto.class, name = "auto"),
            @JsonSubTypes.Type(value = ToolChoice.None.class, name = "none"),
            @JsonSubTypes.Type(value = ToolChoice.Required.class, name = "required"),
            @JsonSubTypes.Type(value = ToolChoice.Named.class, name = "named")})
    private interface ToolChoiceMixin {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ResponseFormat.Text.class, name = "text"),
            @JsonSubTypes.Type(value = ResponseFormat.JsonObject.class, name = "json_object"),
            @JsonSubTypes.Type(value = ResponseFormat.JsonSchema.class, name = "json_schema")})
    private interface ResponseFormatMixin {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = StreamEvent.Start.class, name = "start"),
            @JsonSubTypes.Type(value = StreamEvent.TextDelta.class, name = "text_delta"),
            @JsonSubTypes.Type(value = StreamEvent.ReasoningDelta.class, name = "reasoning_delta"),
            @JsonSubTypes.Type(value = StreamEvent.ToolCallStart.class, name = "tool_call_start"),
            @JsonSubTypes.Type(value = StreamEvent.ToolCallDelta.class, name = "tool_call_delta"),
            @JsonSubTypes.Type(value = StreamEvent.Finish.class, name = "finish"),
            @JsonSubTypes.Type(value = StreamEvent.UsageReport.class, name = "usage")})
    private interface StreamEventMixin {}

    /** {@code "key": value}, one array element a line, {@code []} and {@code {}} when empty. */
    static final DefaultPrettyPrinter PRINTER = printer();
    static final JsonMapper MAPPER = build();

    private static DefaultPrettyPrinter printer() {
        DefaultPrettyPrinter p = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
        p.indentArraysWith(new DefaultIndenter("  ", "\n"));
        p.indentObjectsWith(new DefaultIndenter("  ", "\n"));
        return p;
    }

    /** Wire JSON, indented the same way. */
    static String prettyTree(JsonNode node) throws IOException {
        return MAPPER.writeValueAsString(node) + "\n";
    }

    private static JsonMapper build() {
        JsonMapper m = Json.MAPPER.rebuild()
                .addMixIn(ContentPart.class, ContentPartMixin.class)
                .addMixIn(ToolChoice.class, ToolChoiceMixin.class)
                .addMixIn(ResponseFormat.class, ResponseFormatMixin.class)
                .addMixIn(StreamEvent.class, StreamEventMixin.class)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .defaultPrettyPrinter(PRINTER)
                .build();
        // an absent list reads as empty
        m.configOverride(List.class).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
        return m;
    }

    private FixtureCanonicalJson() {}

    static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    static <T> T read(String json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    static <T> T read(JsonNode json, Class<T> type) throws IOException {
        return MAPPER.treeToValue(json, type);
    }

    static String pretty(Object value) throws IOException {
        return MAPPER.writeValueAsString(value) + "\n";
    }

    /** One line: for {@code .jsonl} files. */
    static String line(Object value) throws IOException {
        return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }
}
