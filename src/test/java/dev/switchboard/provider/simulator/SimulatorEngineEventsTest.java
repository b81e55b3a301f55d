package dev.switchboard.provider.simulator;

import static dev.switchboard.provider.simulator.SimulatorEngineTest.ENGINE;
import static dev.switchboard.provider.simulator.SimulatorEngineTest.NOW;
import static dev.switchboard.provider.simulator.SimulatorEngineTest.TIME_TOOL;
import static dev.switchboard.provider.simulator.SimulatorEngineTest.WEATHER_TOOL;
import static dev.switchboard.provider.simulator.SimulatorEngineTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link SimulatorEngine#events}: the streamed form of the same answer {@link SimulatorEngine#response} gives. */
class SimulatorEngineEventsTest {

    private static <T extends StreamEvent> List<T> only(List<StreamEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static String textOf(List<StreamEvent> events, int choice) {
        return only(events, StreamEvent.TextDelta.class).stream()
                .filter(d -> d.choice() == choice).map(StreamEvent.TextDelta::text).collect(Collectors.joining());
    }

    @Test
    void events_textAnswer_startFirstThenOneDeltaPerWordThenFinishThenUsageLast() {
        ChatRequest req = request("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"one  two three\"}]}");
        List<StreamEvent> events = ENGINE.events(req);
        ChatResponse response = ENGINE.response(req);
        assertThat(events).containsExactly(
                new StreamEvent.Start(response.id(), "sim", NOW.getEpochSecond()),
                new StreamEvent.TextDelta(0, "one"),
                new StreamEvent.TextDelta(0, "  two"),
                new StreamEvent.TextDelta(0, " three"),
                new StreamEvent.Finish(0, FinishReason.STOP),
                new StreamEvent.UsageReport(response.usage()));
    }

    @Test
    void events_concatenatedTextDeltas_equalResponseText() {
        ChatRequest req = request("""
                {"model":"sim","messages":[{"role":"user","content":"  Streams  are\\tjust\\nwords,  with spacing. "}]}""");
        assertThat(textOf(ENGINE.events(req), 0)).isEqualTo(ENGINE.response(req).choices().getFirst().message().text());
    }

    @Test
    void events_truncatedAnswer_finishesWithLengthAndReportsSameUsageAsResponse() {
        ChatRequest req = request("""
                {"model":"sim","max_tokens":2,"messages":[{"role":"user","content":"a b c d"}]}""");
        List<StreamEvent> events = ENGINE.events(req);
        assertThat(only(events, StreamEvent.TextDelta.class)).hasSize(2);
        assertThat(textOf(events, 0)).isEqualTo("a b");
        assertThat(only(events, StreamEvent.Finish.class)).containsExactly(new StreamEvent.Finish(0, FinishReason.LENGTH));
        assertThat(events.getLast()).isEqualTo(new StreamEvent.UsageReport(ENGINE.response(req).usage()));
    }

    @Test
    void events_nChoices_streamEachChoiceInTurnWithItsOwnFinish() {
        ChatRequest req = request("{\"model\":\"sim\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x y\"}]}");
        List<StreamEvent> events = ENGINE.events(req);
        assertThat(events.getFirst()).isInstanceOf(StreamEvent.Start.class);
        assertThat(events.subList(1, events.size() - 1)).containsExactly(
                new StreamEvent.TextDelta(0, "x"), new StreamEvent.TextDelta(0, " y"), new StreamEvent.Finish(0, FinishReason.STOP),
                new StreamEvent.TextDelta(1, "x"), new StreamEvent.TextDelta(1, " y"), new StreamEvent.Finish(1, FinishReason.STOP));
        assertThat(((StreamEvent.UsageReport) events.getLast()).usage().outputTokens()).isEqualTo(4);
    }

    @Test
    void events_toolCalls_startThenArgumentPiecesWithTheSameIndex() throws IOException {
        ChatRequest req = request("""
                {"model":"sim","parallel_tool_calls":true,"tools":[%s,%s],"messages":[{"role":"user","content":"go"}]}"""
                .formatted(WEATHER_TOOL, TIME_TOOL));
        List<StreamEvent> events = ENGINE.events(req);
        List<ContentPart.ToolCall> expected = ENGINE.response(req).choices().getFirst().message().toolCalls();

        assertThat(events.getFirst()).isInstanceOf(StreamEvent.Start.class);
        assertThat(events.getLast()).isInstanceOf(StreamEvent.UsageReport.class);
        assertThat(only(events, StreamEvent.TextDelta.class)).isEmpty();
        assertThat(only(events, StreamEvent.ToolCallStart.class)).containsExactly(
                new StreamEvent.ToolCallStart(0, 0, expected.get(0).id(), "get_weather"),
                new StreamEvent.ToolCallStart(0, 1, expected.get(1).id(), "get_time"));
        for (int i = 0; i < expected.size(); i++) {
            int index = i;
            int startAt = events.indexOf(only(events, StreamEvent.ToolCallStart.class).get(i));
            List<StreamEvent.ToolCallDelta> deltas = only(events, StreamEvent.ToolCallDelta.class).stream()
                    .filter(d -> d.index() == index).toList();
            assertThat(deltas).isNotEmpty().allSatisfy(d -> {
                assertThat(d.choice()).isZero();
                assertThat(d.argumentsFragment()).hasSizeBetween(1, SimulatorEngine.PIECE);
                assertThat(events.indexOf(d)).isGreaterThan(startAt);
            });
            String args = deltas.stream().map(StreamEvent.ToolCallDelta::argumentsFragment).collect(Collectors.joining());
            assertThat(args).isEqualTo(expected.get(i).arguments());
            assertThat(Json.parse(args).isObject()).isTrue();
        }
        assertThat(only(events, StreamEvent.Finish.class)).containsExactly(new StreamEvent.Finish(0, FinishReason.TOOL_CALLS));
        // the deltas of call 0 all come before the start of call 1
        int lastOfFirst = events.lastIndexOf(only(events, StreamEvent.ToolCallDelta.class).stream().filter(d -> d.index() == 0).toList().getLast());
        assertThat(lastOfFirst).isLessThan(events.indexOf(only(events, StreamEvent.ToolCallStart.class).get(1)));
    }

    @Test
    void events_completionTokens_equalNumberOfContentChunksPlusOnePerCall() {
        ChatRequest text = request("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e\"}]}");
        List<StreamEvent> t = ENGINE.events(text);
        assertThat(((StreamEvent.UsageReport) t.getLast()).usage().outputTokens())
                .isEqualTo(only(t, StreamEvent.TextDelta.class).size());

        ChatRequest tools = request("""
                {"model":"sim","parallel_tool_calls":true,"tools":[%s,%s],"messages":[{"role":"user","content":"go"}]}"""
                .formatted(WEATHER_TOOL, TIME_TOOL));
        List<StreamEvent> c = ENGINE.events(tools);
        assertThat(((StreamEvent.UsageReport) c.getLast()).usage().outputTokens())
                .isEqualTo(only(c, StreamEvent.ToolCallDelta.class).size() + only(c, StreamEvent.ToolCallStart.class).size());
    }

    @Test
    void events_jsonSchemaAnswer_piecesOf16ConcatenateToValidJson() throws IOException {
        ChatRequest req = request("""
                {"model":"sim","response_format":{"type":"json_schema","json_schema":{"name":"s","schema":
                 {"type":"object","properties":{"items":{"type":"array","minItems":3,"items":{"type":"string","format":"uuid"}}}}}},
                 "messages":[{"role":"user","content":"x"}]}""");
        List<StreamEvent> events = ENGINE.events(req);
        List<StreamEvent.TextDelta> deltas = only(events, StreamEvent.TextDelta.class);
        assertThat(deltas.subList(0, deltas.size() - 1)).allSatisfy(d -> assertThat(d.text()).hasSize(16));
        String json = textOf(events, 0);
        assertThat(Json.parse(json).get("items")).hasSize(3);
        assertThat(json).isEqualTo(ENGINE.response(req).choices().getFirst().message().text());
    }
}
