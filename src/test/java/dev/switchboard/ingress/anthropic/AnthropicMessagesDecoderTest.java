package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.auth.VirtualKey;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicMessagesDecoderTest {

    static ObjectNode body(String json) throws Exception {
        return (ObjectNode) Json.parse(json.replace('\'', '"'));
    }

    static ChatRequest decode(String json) throws Exception {
        return AnthropicMessagesDecoder.decode(body(json));
    }

    static String invalid(String json) {
        try {
            AnthropicMessagesDecoder.decode(body(json));
        } catch (GatewayError e) {
            assertThat(e.status()).isEqualTo(400);
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a 400 for " + json);
    }

    @Test
    void decode_plainFields() throws Exception {
        ChatRequest r = decode("{'model':'m','max_tokens':100,'temperature':0.5,'top_p':0.9,'top_k':40,'stop_sequences':['END'],"
                + "'stream':true,'metadata':{'user_id':'u-1'},'messages':[{'role':'user','content':'hi'}]}");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.params().maxTokens()).isEqualTo(100);
        assertThat(r.params().temperature()).isEqualTo(0.5);
        assertThat(r.params().topP()).isEqualTo(0.9);
        assertThat(r.params().stop()).containsExactly("END");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.user()).isEqualTo("u-1");
        assertThat(r.messages()).containsExactly(Message.text(Role.USER, "hi"));
    }

    @Test
    void decode_systemStringOrBlocks_becomeSystemMessagesFirst() throws Exception {
        assertThat(decode("{'model':'m','max_tokens':1,'system':'Be brief','messages':[{'role':'user','content':'hi'}]}").messages())
                .containsExactly(Message.text(Role.SYSTEM, "Be brief"), Message.text(Role.USER, "hi"));
        assertThat(decode("{'model':'m','max_tokens':1,'system':[{'type':'text','text':'A','cache_control':{'type':'ephemeral'}},"
                + "{'type':'text','text':'B'}],'messages':[{'role':'user','content':'hi'}]}").messages())
                .containsExactly(Message.text(Role.SYSTEM, "A"), Message.text(Role.SYSTEM, "B"), Message.text(Role.USER, "hi"));
    }

    @Test
    void decode_contentBlocks_mapToCanonicalParts() throws Exception {
        ChatRequest r = decode("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':["
                + "{'type':'text','text':'look'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBO'}},"
                + "{'type':'image','source':{'type':'url','url':'https://x/y.png'}},"
                + "{'type':'document','title':'Spec','source':{'type':'base64','media_type':'application/pdf','data':'JVBE'}},"
                + "{'type':'document','source':{'type':'text','media_type':'text/plain','data':'plain words'}},"
                + "{'type':'document','source':{'type':'file','file_id':'file_1'}},"
                + "{'type':'document','source':{'type':'url','url':'https://x/doc.pdf'}},"
                + "{'type':'search_result','source':'s','title':'t','content':[]}]}]}");
        assertThat(r.messages()).hasSize(1);
        assertThat(r.messages().getFirst().content()).containsExactly(
                new ContentPart.Text("look"),
                new ContentPart.Image(null, "image/png", "iVBO", null),
                new ContentPart.Image("https://x/y.png", null, null, null),
                new ContentPart.File(null, "Spec", "application/pdf", "JVBE"),
                new ContentPart.File(null, null, "text/plain", Base64.getEncoder().encodeToString("plain words".getBytes())),
                new ContentPart.File("file_1", null, null, null));
    }

    @Test
    void decode_toolUseAndThinking_inAnAssistantTurn_keepSignaturesVerbatim() throws Exception {
        ChatRequest r = decode("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':'q'},{'role':'assistant','content':["
                + "{'type':'thinking','thinking':'let me see','signature':'sig=='},"
                + "{'type':'redacted_thinking','data':'opaque-blob'},"
                + "{'type':'text','text':'Calling.'},"
                + "{'type':'tool_use','id':'toolu_1','name':'lookup','input':{'q':'x','n':2}}]}]}");
        assertThat(r.messages().get(1).role()).isEqualTo(Role.ASSISTANT);
        assertThat(r.messages().get(1).content()).containsExactly(
                new ContentPart.Reasoning("let me see", "sig==", false),
                new ContentPart.Reasoning(null, "opaque-blob", true),
                new ContentPart.Text("Calling."),
                new ContentPart.ToolCall("toolu_1", "lookup", "{\"q\":\"x\",\"n\":2}"));
    }

    @Test
    void decode_toolResults_becomeToolMessagesAheadOfTheUsersText() throws Exception {
        ChatRequest r = decode("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':["
                + "{'type':'tool_result','tool_use_id':'toolu_1','content':'42'},"
                + "{'type':'tool_result','tool_use_id':'toolu_2','is_error':true,'content':[{'type':'text','text':'boom'}]},"
                + "{'type':'tool_result','tool_use_id':'toolu_3'},"
                + "{'type':'text','text':'and now?'}]}]}");
        assertThat(r.messages()).containsExactly(
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("toolu_1", List.of(new ContentPart.Text("42")), false)), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("toolu_2", List.of(new ContentPart.Text("boom")), true)), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("toolu_3", List.of(), false)), null),
                Message.text(Role.USER, "and now?"));
    }

    @Test
    void decode_toolsAndToolChoice() throws Exception {
        String tools = "'tools':[{'name':'a','description':'A','input_schema':{'type':'object'}},"
                + "{'type':'custom','name':'b','input_schema':{'type':'object'},'strict':true},"
                + "{'type':'web_search_20250305','name':'web_search','max_uses':3}]";
        ChatRequest r = decode("{'model':'m','max_tokens':1," + tools + ",'tool_choice':{'type':'any','disable_parallel_tool_use':true},"
                + "'messages':[{'role':'user','content':'q'}]}");
        assertThat(r.tools()).extracting(t -> t.name()).containsExactly("a", "b");
        assertThat(r.tools().get(0).parameters()).isEqualTo(Json.parse("{\"type\":\"object\"}"));
        assertThat(r.tools().get(1).strict()).isTrue();
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.REQUIRED);
        assertThat(r.parallelToolCalls()).isFalse();
        Map<String, ToolChoice> choices = Map.of("{'type':'auto'}", ToolChoice.AUTO, "{'type':'none'}", ToolChoice.NONE,
                "{'type':'tool','name':'b'}", new ToolChoice.Named("b"));
        for (var c : choices.entrySet()) {
            ChatRequest d = decode("{'model':'m','max_tokens':1," + tools + ",'tool_choice':" + c.getKey() + ",'messages':[{'role':'user','content':'q'}]}");
            assertThat(d.toolChoice()).isEqualTo(c.getValue());
            assertThat(d.parallelToolCalls()).isNull();
        }
        assertThat(decode("{'model':'m','max_tokens':1,'tool_choice':{'type':'auto','disable_parallel_tool_use':false},"
                + "'messages':[{'role':'user','content':'q'}]}").parallelToolCalls()).isTrue();
    }

    @Test
    void decode_thinkingBudget_becomesAnEffort_outputConfigWins() throws Exception {
        String msgs = ",'messages':[{'role':'user','content':'q'}]}";
        assertThat(decode("{'model':'m','max_tokens':9000,'thinking':{'type':'enabled','budget_tokens':1024}" + msgs)
                .params().reasoningEffort()).isEqualTo("low");
        assertThat(decode("{'model':'m','max_tokens':9000,'thinking':{'type':'enabled','budget_tokens':4096}" + msgs)
                .params().reasoningEffort()).isEqualTo("medium");
        assertThat(decode("{'model':'m','max_tokens':20000,'thinking':{'type':'enabled','budget_tokens':16000}" + msgs)
                .params().reasoningEffort()).isEqualTo("high");
        assertThat(decode("{'model':'m','max_tokens':1,'thinking':{'type':'disabled'}" + msgs).params().reasoningEffort()).isNull();
        assertThat(decode("{'model':'m','max_tokens':1,'thinking':{'type':'adaptive'},'output_config':{'effort':'medium'}" + msgs)
                .params().reasoningEffort()).isEqualTo("medium");
        assertThat(invalid("{'model':'m','max_tokens':1,'thinking':{'type':'enabled','budget_tokens':100}" + msgs))
                .contains("'thinking.budget_tokens'");
    }

    @Test
    void decode_outputConfigJsonSchema_isAResponseFormat() throws Exception {
        ChatRequest r = decode("{'model':'m','max_tokens':1,'output_config':{'format':{'type':'json_schema','schema':{'type':'object'}}},"
                + "'messages':[{'role':'user','content':'q'}]}");
        assertThat(r.responseFormat()).isEqualTo(new ResponseFormat.JsonSchema("output", Json.parse("{\"type\":\"object\"}"), true));
    }

    @Test
    void decodeForCount_doesNotNeedMaxTokens() throws Exception {
        assertThat(AnthropicMessagesDecoder.decodeForCount(body("{'model':'m','messages':[{'role':'user','content':'q'}]}"))
                .params().maxTokens()).isNull();
        assertThat(invalid("{'model':'m','messages':[{'role':'user','content':'q'}]}")).contains("'max_tokens'");
    }

    @Test
    void decode_errorsNameTheField() {
        String m = "'messages':[{'role':'user','content':'q'}]";
        assertThat(invalid("{'max_tokens':1," + m + "}")).contains("'model'");
        assertThat(invalid("{'model':'m','max_tokens':1}")).contains("'messages'");
        assertThat(invalid("{'model':'m','max_tokens':1,'messages':[]}")).contains("'messages'");
        assertThat(invalid("{'model':'m','max_tokens':-1," + m + "}")).contains("'max_tokens'");
        assertThat(invalid("{'model':'m','max_tokens':1,'temperature':'hot'," + m + "}")).contains("'temperature'");
        assertThat(invalid("{'model':'m','max_tokens':1,'system':5," + m + "}")).contains("'system'");
        assertThat(invalid("{'model':'m','max_tokens':1,'stop_sequences':'END'," + m + "}")).contains("'stop_sequences'");
        assertThat(invalid("{'model':'m','max_tokens':1,'tools':[{'name':'a'}]," + m + "}")).contains("'tools[0].input_schema'");
        assertThat(invalid("{'model':'m','max_tokens':1,'tool_choice':{'type':'tool'}," + m + "}")).contains("'tool_choice.name'");
        assertThat(invalid("{'model':'m','max_tokens':1,'tool_choice':'auto'," + m + "}")).contains("'tool_choice'");
        assertThat(invalid("{'model':'m','max_tokens':1,'metadata':{'user_id':7}," + m + "}")).contains("'metadata.user_id'");
        assertThat(invalid("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'tool_use','id':'t',"
                + "'name':'n','input':'x'}]}]}")).contains("'messages[0].content[0].input'");
        assertThat(invalid("{'model':'m','max_tokens':1,'messages':[{'role':'assistant','content':[{'type':'tool_result',"
                + "'tool_use_id':'t'}]}]}")).contains("'messages[0].content[0]'");
        assertThat(invalid("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'text':'no type'}]}]}"))
                .contains("'messages[0].content[0].type'");
        assertThat(invalid("{'model':'m','max_tokens':1,'messages':[{'role':'user'}]}")).contains("'messages[0].content'");
    }

    @Test
    void keySystemPrompt_goesFirstInTheTopLevelSystem() throws Exception {
        Principal key = new Principal(false, new VirtualKey("key_1", "k", "h", "sk-sb-x", null, List.of(), null, null, "KEY", null, true,
                Map.of(), "api", null, null));
        ObjectNode none = body("{'messages':[]}");
        AnthropicBodies.prependSystemPrompt(none, key);
        assertThat(none.get("system").asText()).isEqualTo("KEY");

        ObjectNode string = body("{'system':'Client'}");
        AnthropicBodies.prependSystemPrompt(string, key);
        assertThat(string.get("system")).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"KEY\"},{\"type\":\"text\",\"text\":\"Client\"}]"));

        ObjectNode blocks = body("{'system':[{'type':'text','text':'Client','cache_control':{'type':'ephemeral'}}]}");
        AnthropicBodies.prependSystemPrompt(blocks, key);
        assertThat(blocks.get("system").get(0)).isEqualTo(Json.parse("{\"type\":\"text\",\"text\":\"KEY\"}"));
        assertThat(blocks.get("system").get(1).has("cache_control")).isTrue();

        ObjectNode master = body("{'system':'Client'}");
        AnthropicBodies.prependSystemPrompt(master, Principal.MASTER);
        assertThat(master.get("system").asText()).isEqualTo("Client");
    }
}
