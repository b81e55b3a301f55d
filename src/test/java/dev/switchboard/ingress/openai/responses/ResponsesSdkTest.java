package dev.switchboard.ingress.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseError;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.inputitems.InputItemListPage;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI SDK's {@code client.responses()} against the gateway: {@code sim} is an
 * {@code openai-compatible} deployment on the standalone simulator (so the exact Chat Completions
 * body it received is asserted, history from {@code previous_response_id} included), {@code demo}
 * the built-in simulator provider. Token counts follow the simulator's documented formula.
 */
class ResponsesSdkTest extends SimulatorBackedTest {

    static final String KEY_A = "sk-sb-test-responses-key-a-0123456789abcdefgh";
    static final String KEY_B = "sk-sb-test-responses-key-b-0123456789abcdefgh";
    static OpenAIClient master;
    static OpenAIClient a;
    static OpenAIClient b;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  sim:
                    - { provider: openai-compatible, upstreamModel: sim-model-v1, baseUrl: %s }
                  demo:
                    - { provider: simulator, upstreamModel: echo }
                keys:
                  - { name: a, key: "%s" }
                  - { name: b, key: "%s" }
                """.formatted(sim.baseUrl(), KEY_A, KEY_B)).start();
        master = gw.openai(GatewayFixture.MASTER_KEY);
        a = gw.openai(KEY_A);
        b = gw.openai(KEY_B);
    }

    static ResponseCreateParams.Builder params(String model, String input) {
        return ResponseCreateParams.builder().model(model).input(input);
    }

    static String text(Response r) {
        return r.output().stream().flatMap(i -> i.message().stream()).flatMap(m -> m.content().stream())
                .flatMap(c -> c.outputText().stream()).map(t -> t.text()).collect(Collectors.joining());
    }

    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Weather for a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    @Test
    void create_text_overOpenAiCompatible_publicModelAndExactUsage() {
        Response r = master.responses().create(params("sim", "Hello there gateway").build());
        assertThat(r.id()).startsWith("resp_");
        assertThat(r.model().asString()).isEqualTo("sim");
        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(r)).isEqualTo("Hello there gateway");
        ResponseOutputItem item = r.output().getFirst();
        assertThat(item.message().orElseThrow().id()).startsWith("msg_");
        // 3 + (3 + 3) in, 3 out
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(9);
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(3);
        assertThat(r.usage().orElseThrow().totalTokens()).isEqualTo(12);
        assertThat(r.usage().orElseThrow().inputTokensDetails().cachedTokens()).isZero();
        assertThat(r.usage().orElseThrow().inputTokensDetails().cacheWriteTokens()).isZero();
        JsonNode upstream = sim.last().json();
        assertThat(sim.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.get("model").asText()).isEqualTo("sim-model-v1");
        assertThat(upstream.get("messages")).hasSize(1);
        assertThat(upstream.at("/messages/0/role").asText()).isEqualTo("user");
    }

    @Test
    void create_instructions_becomeTheSystemMessage() {
        Response r = master.responses().create(params("sim", "Hi").instructions("Be exact").temperature(0.5).build());
        assertThat(text(r)).isEqualTo("Hi");
        JsonNode upstream = sim.last().json();
        assertThat(upstream.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(upstream.at("/messages/0/content").toString()).contains("Be exact");
        assertThat(upstream.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(upstream.get("temperature").asDouble()).isEqualTo(0.5);
        // 3 + (3 + 2) + (3 + 1)
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(12);
    }

    @Test
    void create_maxOutputTokens_isIncomplete() {
        Response r = master.responses().create(params("demo", "one two three four five").maxOutputTokens(2).build());
        assertThat(r.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(r.incompleteDetails().orElseThrow().reason().orElseThrow().asString()).isEqualTo("max_output_tokens");
        assertThat(text(r)).isEqualTo("one two");
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(2);
    }

    @Test
    void stream_text_sdkAccumulates_withUsageOnCompleted() {
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = master.responses().createStreaming(params("sim", "one two three").build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.outputTextDelta().ifPresent(d -> deltas.add(d.delta()));
            });
        }
        Response r = acc.response();
        assertThat(deltas).containsExactly("one", " two", " three");
        assertThat(text(r)).isEqualTo("one two three");
        assertThat(r.model().asString()).isEqualTo("sim");
        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(9);
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(3);
        // a streamed response is stored as well
        assertThat(text(master.responses().retrieve(r.id()))).isEqualTo("one two three");
    }

    @Test
    void stream_cutAfterCommit_reachesAValidatingSdk_asAFailedResponseItCanRead() {
        OpenAIClient strict = OpenAIOkHttpClient.builder().apiKey(GatewayFixture.MASTER_KEY).baseUrl(gw.url("/v1"))
                .maxRetries(0).responseValidation(true).build();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = strict.responses().createStreaming(params("sim", "[sim cut_after=4] a b c d e f").build())) {
            s.stream().forEach(events::add);
        }
        Response failed = events.getLast().failed().orElseThrow().response();
        assertThat(failed.status()).contains(ResponseStatus.FAILED);
        assertThat(failed.error().orElseThrow().code()).isEqualTo(ResponseError.Code.SERVER_ERROR);
        assertThat(failed.output().getFirst().message().orElseThrow().status()).isEqualTo(ResponseOutputMessage.Status.INCOMPLETE);
    }

    @Test
    void anEmptyAnswer_isOneEmptyMessage_streamedAsInJson() throws Exception {
        // the simulator echoes the prompt with its directive taken out: nothing
        JsonNode json = Admin.json(gw.post("/v1/responses", "{\"model\":\"demo\",\"input\":\"[sim latency_ms=1]\",\"store\":false}"));
        HttpResponse<String> stream = gw.post("/v1/responses", "{\"model\":\"demo\",\"input\":\"[sim latency_ms=1]\",\"stream\":true,\"store\":false}");
        List<String> names = new ArrayList<>();
        JsonNode completed = null;
        for (String block : stream.body().split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            String[] lines = block.split("\n");
            names.add(lines[0].substring("event: ".length()));
            if (names.getLast().equals("response.completed")) completed = Json.parse(lines[1].substring("data: ".length())).get("response");
        }
        assertThat(names).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed");
        assertThat(completed.get("output")).hasSize(1);
        assertThat(completed.at("/output/0/type").asText()).isEqualTo(json.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo(json.at("/output/0/content/0/text").asText()).isEmpty();
    }

    @Test
    void stream_wire_eventSequence_withIncreasingSequenceNumbers() throws Exception {
        HttpResponse<String> resp = gw.post("/v1/responses", "{\"model\":\"demo\",\"input\":\"one two\",\"stream\":true}");
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> names = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        for (String block : resp.body().split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            String[] lines = block.split("\n");
            names.add(lines[0].substring("event: ".length()));
            events.add(Json.parse(lines[1].substring("data: ".length())));
        }
        assertThat(names).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("type").asText()).isEqualTo(names.get(i));
            assertThat(events.get(i).get("sequence_number").asLong()).isEqualTo(i);
        }
        assertThat(events.get(0).at("/response/status").asText()).isEqualTo("in_progress");
        String itemId = events.get(2).at("/item/id").asText();
        assertThat(itemId).startsWith("msg_");
        assertThat(events.get(4).get("item_id").asText()).isEqualTo(itemId);
        assertThat(events.get(4).get("output_index").asInt()).isZero();
        assertThat(events.get(4).get("content_index").asInt()).isZero();
        assertThat(events.get(6).get("text").asText()).isEqualTo("one two");
        JsonNode done = events.get(9).get("response");
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("model").asText()).isEqualTo("demo");
        assertThat(done.at("/output/0/content/0/text").asText()).isEqualTo("one two");
        assertThat(done.at("/usage/output_tokens").asLong()).isEqualTo(2);
        assertThat(done.at("/usage/total_tokens").asLong()).isEqualTo(done.at("/usage/input_tokens").asLong() + 2);
    }

    @Test
    void stream_functionCall_argumentsEventsAndItem() throws Exception {
        HttpResponse<String> resp = gw.post("/v1/responses", """
                {"model":"demo","input":"Weather?","stream":true,"tools":[{"type":"function","name":"get_weather",
                 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}""");
        List<String> names = new ArrayList<>();
        JsonNode last = null;
        JsonNode added = null;
        for (String block : resp.body().split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            String[] lines = block.split("\n");
            names.add(lines[0].substring("event: ".length()));
            last = Json.parse(lines[1].substring("data: ".length()));
            if (names.getLast().equals("response.output_item.added")) added = last.get("item");
        }
        assertThat(names.getFirst()).isEqualTo("response.created");
        assertThat(names).contains("response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done");
        assertThat(names.getLast()).isEqualTo("response.completed");
        JsonNode item = last.at("/response/output/0");
        assertThat(item.get("type").asText()).isEqualTo("function_call");
        assertThat(item.get("id").asText()).startsWith("fc_");
        assertThat(item.get("call_id").asText()).startsWith("call_");
        assertThat(Json.parse(item.get("arguments").asText()).has("city")).isTrue();
        // the call is announced with the id and name it keeps to the end
        assertThat(added.get("call_id").asText()).isEqualTo(item.get("call_id").asText());
        assertThat(added.get("name").asText()).isEqualTo("get_weather");
        assertThat(added.get("id").asText()).isEqualTo(item.get("id").asText());
    }

    @Test
    void retrieveStreaming_replaysTheStoredResponse_asItsEvents_fromStartingAfter() throws Exception {
        Response r = master.responses().create(params("sim", "replay me").build());
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = master.responses().retrieveStreaming(r.id())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.outputTextDelta().ifPresent(d -> deltas.add(d.delta()));
            });
        }
        Response again = acc.response();
        assertThat(deltas).containsExactly("replay me");
        assertThat(again.id()).isEqualTo(r.id());
        assertThat(again.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(again)).isEqualTo("replay me");
        assertThat(again.output().getFirst().asMessage().id()).isEqualTo(r.output().getFirst().asMessage().id());
        assertThat(again.usage().orElseThrow().outputTokens()).isEqualTo(r.usage().orElseThrow().outputTokens());

        // on the wire: the stream's event order; starting_after leaves out what came before
        HttpResponse<String> all = gw.get("/v1/responses/" + r.id() + "?stream=true");
        assertThat(all.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> names = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        for (String block : all.body().split("\n\n")) {
            String[] lines = block.split("\n");
            names.add(lines[0].substring("event: ".length()));
            numbers.add(Json.parse(lines[1].substring("data: ".length())).get("sequence_number").asLong());
        }
        assertThat(names).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(numbers).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        HttpResponse<String> rest = gw.get("/v1/responses/" + r.id() + "?stream=true&starting_after=6");
        assertThat(rest.body()).startsWith("event: response.output_item.done\n").contains("\"sequence_number\":8");
        Admin.assertError(gw.get("/v1/responses/" + r.id() + "?stream=yes"), 400, "invalid_request_error", "invalid_request");
    }

    @Test
    void functionCall_thenOutputWithPreviousResponseId_modelSeesTheHistory() throws Exception {
        Response first = master.responses().create(params("sim", "Weather in Paris?").addTool(weatherTool()).build());
        ResponseFunctionToolCall call = first.output().stream().flatMap(i -> i.functionCall().stream()).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));
        assertThat(Json.MAPPER.readTree(call.arguments()).has("city")).isTrue();

        Response second = master.responses().create(ResponseCreateParams.builder().model("sim")
                .previousResponseId(first.id()).addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("Sunny and 21 degrees").build())))
                .build());
        assertThat(text(second)).isEqualTo("Sunny and 21 degrees");
        JsonNode messages = sim.last().json().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content").toString()).contains("Weather in Paris?");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).at("/tool_calls/0/id").asText()).isEqualTo(call.callId());
        assertThat(messages.get(1).at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(messages.get(1).at("/tool_calls/0/function/arguments").asText()).isEqualTo(call.arguments());
        assertThat(messages.get(2).get("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).get("tool_call_id").asText()).isEqualTo(call.callId());
        assertThat(messages.get(2).get("content").toString()).contains("Sunny and 21 degrees");

        // the chain goes on: a third turn sees all of it, then its own message
        master.responses().create(params("sim", "Thanks").previousResponseId(second.id()).build());
        JsonNode third = sim.last().json().get("messages");
        assertThat(third).hasSize(5);
        assertThat(third.get(3).get("role").asText()).isEqualTo("assistant");
        assertThat(third.get(3).get("content").toString()).contains("Sunny and 21 degrees");
        assertThat(third.get(4).get("content").toString()).contains("Thanks");
    }

    @Test
    void previousResponseId_unknown_is400() {
        assertThatThrownBy(() -> master.responses().create(params("sim", "Hi").previousResponseId("resp_nope").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("previous_response_not_found");
                    assertThat(e.param()).contains("previous_response_id");
                });
    }

    @Test
    void retrieve_inputItems_delete() {
        Response r = a.responses().create(params("demo", "keep me").build());
        Response got = a.responses().retrieve(r.id());
        assertThat(got.id()).isEqualTo(r.id());
        assertThat(text(got)).isEqualTo("keep me");
        assertThat(got.model().asString()).isEqualTo("demo");

        InputItemListPage items = a.responses().inputItems().list(r.id());
        assertThat(items.data()).hasSize(1);
        JsonNode item = Json.MAPPER.valueToTree(items.data().getFirst());
        assertThat(item.get("type").asText()).isEqualTo("message");
        assertThat(item.get("role").asText()).isEqualTo("user");
        assertThat(item.at("/content/0/type").asText()).isEqualTo("input_text");
        assertThat(item.at("/content/0/text").asText()).isEqualTo("keep me");
        assertThat(item.get("id").asText()).startsWith("msg_");

        a.responses().delete(r.id());
        assertThatThrownBy(() -> a.responses().retrieve(r.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> a.responses().delete(r.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void inputItems_everyItemHasAnId_soTheSdkPagesThroughAll() throws Exception {
        HttpResponse<String> created = gw.post("/v1/responses", """
                {"model":"demo","input":[{"role":"user","content":"weather?"},
                  {"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{}"},
                  {"type":"function_call_output","call_id":"c1","output":"sunny"}]}""",
                "authorization", "Bearer " + KEY_A);
        assertThat(created.statusCode()).isEqualTo(200);
        String id = Json.parse(created.body()).get("id").asText();

        List<String> types = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        a.responses().inputItems().list(id, com.openai.models.responses.inputitems.InputItemListParams.builder().limit(1L).build())
                .autoPager().forEach(item -> {
                    JsonNode n = Json.MAPPER.valueToTree(item);
                    types.add(n.get("type").asText());
                    ids.add(n.get("id").asText());
                    assertThat(n.get("status").asText()).isEqualTo("completed");
                });
        assertThat(types).as("newest first, one a page").containsExactly("function_call_output", "function_call", "message");
        assertThat(ids).doesNotHaveDuplicates().allSatisfy(i -> assertThat(i).matches("(fco|fc|msg)_[0-9a-f]{48}"));
    }

    @Test
    void anotherKey_cannotSee_orContinue_theResponse() {
        Response r = a.responses().create(params("demo", "mine").build());
        assertThatThrownBy(() -> b.responses().retrieve(r.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> b.responses().inputItems().list(r.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> b.responses().delete(r.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> b.responses().create(params("demo", "x").previousResponseId(r.id()).build()))
                .isInstanceOf(BadRequestException.class);
        // the master key sees every response
        assertThat(master.responses().retrieve(r.id()).id()).isEqualTo(r.id());
        assertThat(text(a.responses().retrieve(r.id()))).isEqualTo("mine");
    }

    @Test
    void storeFalse_isNotRetrievable() {
        Response r = master.responses().create(params("demo", "forget me").store(false).build());
        assertThat(text(r)).isEqualTo("forget me");
        assertThatThrownBy(() -> master.responses().retrieve(r.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void errors_areInOpenAiShape() {
        HttpResponse<String> r = gw.post("/v1/responses", "{\"model\":\"demo\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}");
        Admin.assertError(r, 400, "invalid_request_error", "invalid_request");
        assertThat(Admin.json(r).at("/error/param").asText()).isEqualTo("tools[0].type");
        HttpResponse<String> missing = gw.post("/v1/responses", "{\"model\":\"demo\"}");
        Admin.assertError(missing, 400, "invalid_request_error", "invalid_request");
        HttpResponse<String> unknown = gw.get("/v1/responses/resp_unknown");
        Admin.assertError(unknown, 404, "invalid_request_error", "not_found");

        // each refused before any provider, naming the field
        Map<String, String> bad = Map.of(
                "\"metadata\":{\"a\":1}", "metadata.a",
                "\"metadata\":{\"a\":\"%s\"}".formatted("v".repeat(513)), "metadata.a",
                "\"reasoning\":{\"effort\":\"extreme\"}", "reasoning.effort",
                "\"tools\":[{\"type\":\"function\",\"name\":\"a\"}],\"tool_choice\":{\"type\":\"function\",\"name\":\"zzz\"}", "tool_choice");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            HttpResponse<String> refused = gw.post("/v1/responses", "{\"model\":\"demo\",\"input\":\"x\"," + b.getKey() + "}");
            Admin.assertError(refused, 400, "invalid_request_error", "invalid_request");
            assertThat(Admin.json(refused).at("/error/param").asText()).as(b.getKey()).isEqualTo(b.getValue());
        }
        HttpResponse<String> noFile = gw.post("/v1/responses", """
                {"model":"demo","input":[{"role":"user","content":[{"type":"input_text","text":"what is it"},{"type":"input_file","filename":"x.pdf"}]}]}""");
        Admin.assertError(noFile, 400, "invalid_request_error", "invalid_request");
        assertThat(Admin.json(noFile).at("/error/param").asText()).isEqualTo("input[0].content[1].file_data");

        // operations of OpenAI's this gateway lacks are unknown routes, not a response id's methods
        for (String op : new String[] {"/v1/responses/compact", "/v1/responses/input_tokens"}) {
            Admin.assertError(gw.post(op, "{\"model\":\"demo\",\"input\":\"x\"}"), 404, "invalid_request_error", "not_found");
        }
    }

    @Test
    void echoedTools_andStoredImages_haveTheFieldsOpenAisTypesRequire() throws Exception {
        JsonNode r = Admin.json(gw.post("/v1/responses", """
                {"model":"demo","input":[{"role":"user","content":[{"type":"input_text","text":"look"},
                  {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]}],
                 "tools":[{"type":"function","name":"noparams"}]}"""));
        assertThat(r.at("/tools/0/parameters").isNull()).isTrue();
        assertThat(r.at("/tools/0/strict").isNull()).isTrue();
        JsonNode items = Admin.json(gw.get("/v1/responses/" + r.path("id").asText() + "/input_items"));
        assertThat(items.at("/data/0/content/1/detail").asText()).isEqualTo("auto");
    }

    @Test
    void stream_cutAfterCommit_endsWithResponseFailed_andIsNotStored() throws Exception {
        HttpResponse<String> resp = gw.post("/v1/responses", "{\"model\":\"sim\",\"input\":\"[sim cut_after=3] a b c d e f\",\"stream\":true}");
        assertThat(resp.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        JsonNode last = null;
        JsonNode added = null;
        for (String block : resp.body().split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            String[] lines = block.split("\n");
            names.add(lines[0].substring("event: ".length()));
            last = Json.parse(lines[1].substring("data: ".length()));
            if (names.getLast().equals("response.output_item.added")) added = last.get("item");
        }
        assertThat(names.getFirst()).isEqualTo("response.created");
        assertThat(names).contains("response.output_text.delta");
        assertThat(names.getLast()).isEqualTo("response.failed");
        assertThat(names).doesNotContain("response.completed");
        assertThat(last.get("sequence_number").asLong()).isEqualTo(names.size() - 1);
        assertThat(last.at("/response/status").asText()).isEqualTo("failed");
        assertThat(last.at("/response/error/code").asText()).as("one of OpenAI's codes for a failed response").isEqualTo("server_error");
        assertThat(last.at("/response/error/message").asText()).isNotBlank();
        StringBuilder deltas = new StringBuilder();
        for (String block : resp.body().split("\n\n")) {
            if (block.startsWith("event: response.output_text.delta")) deltas.append(Json.parse(block.split("\n")[1].substring(6)).get("delta").asText());
        }
        JsonNode item = last.at("/response/output/0");
        assertThat(item.get("id").asText()).isEqualTo(added.get("id").asText());
        assertThat(item.get("status").asText()).as("the message as far as it got").isEqualTo("incomplete");
        assertThat(item.at("/content/0/text").asText()).isEqualTo(deltas.toString()).isNotEmpty();
        String id = last.at("/response/id").asText();
        assertThat(gw.get("/v1/responses/" + id).statusCode()).isEqualTo(404);
    }
}
