package dev.switchboard.model;

import java.util.List;

/** One piece of a message. Every inbound and provider format maps its blocks onto these. */
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {}

    /** An image by URL, or inline as base64 {@code data} with its media type. */
    record Image(String url, String mediaType, String data, String detail) implements ContentPart {}

    /** Inline audio, base64, with its format (wav, mp3, …). */
    record Audio(String data, String format) implements ContentPart {}

    /** A document: inline base64 data, or a provider-side file id. */
    record File(String fileId, String filename, String mediaType, String data) implements ContentPart {}

    /** A call the assistant made; {@code arguments} is the JSON text exactly as produced. */
    record ToolCall(String id, String name, String arguments) implements ContentPart {}

    /** The answer to a tool call, sent back by the client. */
    record ToolResult(String toolCallId, List<ContentPart> content, boolean isError) implements ContentPart {}

    /** Model reasoning; the signature (Anthropic) or opaque blob must survive the next turn untouched. */
    record Reasoning(String text, String signature, boolean redacted) implements ContentPart {}
}
