package dev.switchboard.model;

import java.util.List;

/** One turn of a conversation. Tool calls of an assistant turn are {@link ContentPart.ToolCall} parts. */
public record Message(Role role, List<ContentPart> content, String name) {

    public Message {
        content = List.copyOf(content);
    }

    public static Message text(Role role, String text) {
        return new Message(role, List.of(new ContentPart.Text(text)), null);
    }

    /** The concatenated text parts, the form that plain-text providers and the simulator read. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (ContentPart part : content) {
            switch (part) {
                case ContentPart.Text t -> out.append(t.text());
                case ContentPart.ToolResult r -> r.content().forEach(c -> {
                    if (c instanceof ContentPart.Text t) out.append(t.text());
                });
                default -> { }
            }
        }
        return out.toString();
    }

    public List<ContentPart.ToolCall> toolCalls() {
        return content.stream()
                .filter(ContentPart.ToolCall.class::isInstance)
                .map(ContentPart.ToolCall.class::cast)
                .toList();
    }
}
