package dev.switchboard.testing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The canonical model as JSON, for golden fixtures: every record by its component names
 * (camelCase, as in the Java source), enums in lower case ({@code "user"}, {@code "tool_calls"}),
 * null fields left out, and each sealed type tagged with a {@code "type"} member:
 * <ul>
 *   <li>content parts: {@code text}, {@code image}, {@code audio}, {@code file}, {@code tool_call},
 *       {@code tool_result}, {@code reasoning};</li>
 *   <li>stream events: {@code start}, {@code text_delta}, {@code reasoning_delta},
 *       {@code tool_call_start}, {@code tool_call_delta}, {@code finish}, {@code usage},
 *       {@code usage_so_far};</li>
 *   <li>tool choice: {@code auto}, {@code none}, {@code required}, {@code named};
 *       response format: {@code text}, {@code json_object}, {@code json_schema}.</li>
 * </ul>
 * Reading is tolerant of what a hand-written file leaves out — an absent component is null, an
 * absent list is empty, enums in any case — and strict about the rest: an unknown member fails,
 * so a misspelt name cannot be silently dropped. The model classes stay free of Jackson
 * annotations: the tags come from mix-ins here.
 *
 * <p>A canonical stream that fails ends with one more line that is not a {@link StreamEvent}: a
 * {@link StreamError} tagged {@code "error"}.
 */
public final class CanonicalJson {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
            @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
            @JsonSubTypes.Type(value = ContentPart.Audio.class, name = "audio"),
            @JsonSubTypes.Type(value = ContentPart.File.class, name = "file"),
            @JsonSubTypes.Type(value = ContentPart.ToolCall.class, name = "tool_call"),
            @JsonSubTypes.Type(value = ContentPart.ToolResult.class, name = "tool_result"),
            @JsonSubTypes.Type(value = ContentPart.Reasoning.class, name = "reasoning")})
    private interface ContentPartTags {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = StreamEvent.Start.class, name = "start"),
            @JsonSubTypes.Type(value = StreamEvent.TextDelta.class, name = "text_delta"),
            @JsonSubTypes.Type(value = StreamEvent.ReasoningDelta.class, name = "reasoning_delta"),
            @JsonSubTypes.Type(value = StreamEvent.ToolCallStart.class, name = "tool_call_start"),
            @JsonSubTypes.Type(value = StreamEvent.ToolCallDelta.class, name = "tool_call_delta"),
            @JsonSubTypes.Type(value = StreamEvent.Finish.class, name = "finish"),
            @JsonSubTypes.Type(value = StreamEvent.UsageReport.class, name = "usage"),
            @JsonSubTypes.Type(value = StreamEvent.UsageSoFar.class, name = "usage_so_far")})
    private interface StreamEventTags {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ToolChoice.Auto.class, name = "auto"),
            @JsonSubTypes.Type(value = ToolChoice.None.class, name = "none"),
            @JsonSubTypes.Type(value = ToolChoice.Required.class, name = "required"),
            @JsonSubTypes.Type(value = ToolChoice.Named.class, name = "named")})
    private interface ToolChoiceTags {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ResponseFormat.Text.class, name = "text"),
            @JsonSubTypes.Type(value = ResponseFormat.JsonObject.class, name = "json_object"),
            @JsonSubTypes.Type(value = ResponseFormat.JsonSchema.class, name = "json_schema")})
    private interface ResponseFormatTags {}

    /**
     * How a stream ended in failure, as the last line of a {@code canonical-events.jsonl}: the
     * failure class and the gateway's error kind in lower case, and the upstream status it stands
     * for (0 when none; kind {@code truncated} when the stream stopped before its end).
     */
    public record StreamError(String failureClass, int status, String kind) {
        public StreamError {
            failureClass = failureClass.toLowerCase(Locale.ROOT);
            kind = kind.toLowerCase(Locale.ROOT);
        }
    }

    public static final JsonMapper MAPPER = build();

    private static JsonMapper build() {
        JsonMapper m = Json.MAPPER.rebuild()
            .addMixIn(ContentPart.class, ContentPartTags.class)
            .addMixIn(StreamEvent.class, StreamEventTags.class)
            .addMixIn(ToolChoice.class, ToolChoiceTags.class)
            .addMixIn(ResponseFormat.class, ResponseFormatTags.class)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
        // an absent list reads as empty
        m.configOverride(List.class).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
        return m;
    }

    private CanonicalJson() {}

    public static <T> T read(Path file, Class<T> type) throws IOException {
        return MAPPER.readValue(file.toFile(), type);
    }

    public static <T> T read(JsonNode json, Class<T> type) throws IOException {
        return MAPPER.treeToValue(json, type);
    }

    /** A canonical record (or a {@link StreamError}) as a tree; an error line gets its {@code "type": "error"} tag. */
    public static JsonNode tree(Object canonical) {
        JsonNode tree = MAPPER.valueToTree(canonical);
        if (canonical instanceof StreamError) return Json.object().put("type", "error").setAll((ObjectNode) tree);
        return tree;
    }

    /** One line of a {@code canonical-events.jsonl}: a {@link StreamEvent}, or a {@link StreamError} when tagged {@code error}. */
    public static Object readEvent(JsonNode line) throws IOException {
        if ("error".equals(line.path("type").asText())) {
            ObjectNode rest = line.deepCopy();
            rest.remove("type");
            return read(rest, StreamError.class);
        }
        return read(line, StreamEvent.class);
    }
}
