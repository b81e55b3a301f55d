package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseParserTest {

    private record Ev(String event, String data) {}

    private final List<Ev> events = new ArrayList<>();
    private final SseParser parser = new SseParser((e, d) -> events.add(new Ev(e, d)));

    private void feed(String s) {
        feed(s.getBytes(StandardCharsets.UTF_8));
    }

    private void feed(byte[] bytes) {
        parser.feed(Buffer.buffer(bytes));
    }

    private static List<Ev> parseWhole(byte[] bytes) {
        List<Ev> out = new ArrayList<>();
        SseParser p = new SseParser((e, d) -> out.add(new Ev(e, d)));
        p.feed(Buffer.buffer(bytes));
        p.end();
        return out;
    }

    /** A stream exercising every feature at once: names, comments, multi-line data, all three line endings, UTF-8. */
    private static final String MIXED = ": ping\n"
            + "event: delta\n"
            + "data: {\"t\":\"héllo €\"}\r\n"
            + "\r\n"
            + "data: line one\r"
            + "data: line two 🎉\r"
            + "\r"
            + "id: 7\n"
            + "retry: 100\n"
            + "data:no-space\n"
            + "\n"
            + "data: [DONE]\n\n";

    private static final List<Ev> MIXED_EVENTS = List.of(
            new Ev("delta", "{\"t\":\"héllo €\"}"),
            new Ev(null, "line one\nline two 🎉"),
            new Ev(null, "no-space"),
            new Ev(null, "[DONE]"));

    @Test
    void feed_wholeStreamInOneBuffer_deliversEveryEventInOrder() {
        assertThat(parseWhole(MIXED.getBytes(StandardCharsets.UTF_8))).containsExactlyElementsOf(MIXED_EVENTS);
    }

    @Test
    void feed_byteByByte_deliversSameEventsAsOneBuffer() {
        for (byte b : MIXED.getBytes(StandardCharsets.UTF_8)) feed(new byte[] {b});
        parser.end();
        assertThat(events).containsExactlyElementsOf(MIXED_EVENTS);
    }

    @Test
    void feed_splitIntoTwoBuffersAtEveryOffset_deliversSameEvents() {
        byte[] all = MIXED.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= all.length; cut++) {
            List<Ev> out = new ArrayList<>();
            SseParser p = new SseParser((e, d) -> out.add(new Ev(e, d)));
            p.feed(Buffer.buffer(Arrays.copyOfRange(all, 0, cut)));
            p.feed(Buffer.buffer(Arrays.copyOfRange(all, cut, all.length)));
            p.end();
            assertThat(out).as("split at byte %d", cut).containsExactlyElementsOf(MIXED_EVENTS);
        }
    }

    @Test
    void feed_eventCompleteInOneBuffer_isDeliveredBeforeEnd() {
        feed("data: hello\n\n");
        assertThat(events).containsExactly(new Ev(null, "hello"));
    }

    @Test
    void feed_eventWithoutBlankLineYet_isNotDeliveredEarly() {
        feed("data: hello\n");
        assertThat(events).isEmpty();
        feed("\n");
        assertThat(events).containsExactly(new Ev(null, "hello"));
    }

    @Test
    void feed_splitInsideFieldName_deliversOneEvent() {
        feed("da");
        feed("ta: x\n");
        feed("\n");
        assertThat(events).containsExactly(new Ev(null, "x"));
    }

    @Test
    void feed_crlfLineEndings_deliverEvents() {
        feed("event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n");
        assertThat(events).containsExactly(new Ev("a", "1"), new Ev(null, "2"));
    }

    @Test
    void feed_loneCrLineEndings_deliverEvents() {
        feed("data: 1\rdata: 2\r\rdata: 3\r\r");
        parser.end();
        assertThat(events).containsExactly(new Ev(null, "1\n2"), new Ev(null, "3"));
    }

    @Test
    void feed_crAtEndOfBufferAndLfAtStartOfNext_isOneLineEnding() {
        // Were CR and LF taken as two line endings, the blank line would split the event in two.
        feed("data: a\r");
        feed("\ndata: b\r");
        feed("\n\r");
        feed("\n");
        assertThat(events).containsExactly(new Ev(null, "a\nb"));
    }

    @Test
    void feed_loneCrAtEndOfBufferFollowedByAnotherLine_isLineEnding() {
        feed("data: a\r");
        feed("data: b\r");
        feed("\r");
        parser.end();
        assertThat(events).containsExactly(new Ev(null, "a\nb"));
    }

    @Test
    void feed_multiLineData_joinedWithNewline() {
        feed("data: first\ndata: second\ndata: third\n\n");
        assertThat(events).containsExactly(new Ev(null, "first\nsecond\nthird"));
    }

    @Test
    void feed_eventName_isReportedAndDoesNotLeakIntoNextEvent() {
        feed("event: message_start\ndata: {}\n\ndata: plain\n\n");
        assertThat(events).containsExactly(new Ev("message_start", "{}"), new Ev(null, "plain"));
    }

    @Test
    void feed_eventNameWithoutData_dispatchesNothingAndIsForgotten() {
        feed("event: orphan\n\ndata: x\n\n");
        assertThat(events).containsExactly(new Ev(null, "x"));
    }

    @Test
    void feed_commentLines_areIgnoredEvenInsideAnEvent() {
        feed(": ping\n\n");
        assertThat(events).isEmpty();
        feed("data: a\n: keep-alive\ndata: b\n\n");
        assertThat(events).containsExactly(new Ev(null, "a\nb"));
    }

    @Test
    void feed_idAndRetryAndUnknownFields_areIgnored() {
        feed("id: 42\nretry: 3000\nfoo: bar\ndata: x\n\n");
        assertThat(events).containsExactly(new Ev(null, "x"));
    }

    @Test
    void feed_fieldWithoutSpaceAfterColon_takesWholeValue() {
        feed("event:ping\ndata:{\"a\":1}\n\n");
        assertThat(events).containsExactly(new Ev("ping", "{\"a\":1}"));
    }

    @Test
    void feed_onlyOneLeadingSpaceIsRemovedFromValue() {
        feed("data:  two spaces\n\n");
        assertThat(events).containsExactly(new Ev(null, " two spaces"));
    }

    @Test
    void feed_colonsInsideValue_areKept() {
        feed("data: a:b: c\n\n");
        assertThat(events).containsExactly(new Ev(null, "a:b: c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data\n\n", "data:\n\n", "data: \n\n"})
    void feed_emptyDataField_deliversEmptyData(String stream) {
        feed(stream);
        assertThat(events).containsExactly(new Ev(null, ""));
    }

    @Test
    void feed_blankLinesWithoutData_dispatchNothing() {
        feed("\n\n\r\n\r\r\n");
        parser.end();
        assertThat(events).isEmpty();
    }

    @Test
    void feed_severalEventsInOneBuffer_deliversAllInOrder() {
        feed("data: 1\n\ndata: 2\n\ndata: 3\n\n");
        assertThat(events).extracting(Ev::data).containsExactly("1", "2", "3");
    }

    @Test
    void feed_utf8MultibyteCharactersSplitAcrossBuffers_areDecodedIntact() {
        byte[] all = "data: é€🎉中\n\n".getBytes(StandardCharsets.UTF_8);
        // the 4-byte emoji is cut after its 1st, 2nd and 3rd byte in turn
        int emoji = "data: é€".getBytes(StandardCharsets.UTF_8).length;
        for (int cut = emoji + 1; cut < emoji + 4; cut++) {
            List<Ev> out = new ArrayList<>();
            SseParser p = new SseParser((e, d) -> out.add(new Ev(e, d)));
            p.feed(Buffer.buffer(Arrays.copyOfRange(all, 0, cut)));
            p.feed(Buffer.buffer(Arrays.copyOfRange(all, cut, all.length)));
            assertThat(out).as("cut at %d", cut).containsExactly(new Ev(null, "é€🎉中"));
        }
    }

    @Test
    void end_flushesEventLackingItsBlankLine() {
        feed("event: last\ndata: tail\n");
        assertThat(events).isEmpty();
        parser.end();
        assertThat(events).containsExactly(new Ev("last", "tail"));
    }

    @Test
    void end_flushesFinalLineLackingItsLineEnding() {
        feed("data: a\ndata: b");
        parser.end();
        assertThat(events).containsExactly(new Ev(null, "a\nb"));
    }

    @Test
    void end_afterFinalLineEndingInLoneCr_doesNotKeepTheCr() {
        feed("data: x\r");
        parser.end();
        assertThat(events).containsExactly(new Ev(null, "x"));
    }

    @Test
    void end_withNothingPending_deliversNothing() {
        feed("data: x\n\n");
        parser.end();
        assertThat(events).containsExactly(new Ev(null, "x"));
    }

    @Test
    void end_calledTwice_deliversPendingEventOnce() {
        feed("data: x");
        parser.end();
        parser.end();
        assertThat(events).hasSize(1);
    }
}
