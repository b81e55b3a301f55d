package dev.switchboard.provider;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;

/**
 * A provider-neutral estimate of a prompt's tokens, for token-count endpoints whose provider has
 * no counting API of its own: about four characters of text per token, plus four tokens of
 * framing per message and eight per tool. Rough by design; a provider that can count overrides
 * {@link Provider#countTokens}.
 */
public final class TokenEstimate {

    private TokenEstimate() {}

    public static long prompt(ChatRequest r) {
        long chars = 0;
        long framing = 3;
        for (Message m : r.messages()) {
            framing += 4;
            for (ContentPart p : m.content()) {
                switch (p) {
                    case ContentPart.Text t -> chars += t.text().length();
                    case ContentPart.Reasoning x when x.text() != null -> chars += x.text().length();
                    case ContentPart.ToolCall c -> chars += c.name().length() + c.arguments().length();
                    case ContentPart.ToolResult res -> {
                        for (ContentPart c : res.content()) if (c instanceof ContentPart.Text t) chars += t.text().length();
                    }
                    case ContentPart.Image i -> framing += 258; // a typical image tile
                    default -> { }
                }
            }
        }
        for (Tool t : r.tools()) {
            framing += 8;
            chars += t.name().length() + (t.description() == null ? 0 : t.description().length())
                    + (t.parameters() == null ? 0 : t.parameters().toString().length());
        }
        return framing + (chars + 3) / 4;
    }
}
