package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SplicedObjectTest {

    /** A conversation whose text the client escaped its own way ({@code \u00e9}), with spaces Jackson would not write. */
    private static final String MESSAGES = "[ {\"role\": \"user\", \"content\": \"caf\\u00e9 " + "long text ".repeat(80) + "\"} ]";

    private static String body(String messages) {
        return "{\"model\": \"gpt-x\", \"messages\": " + messages + ", \"temperature\": 0.50, \"vendor_field\": {\"a\": [1, 2.0]}}";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStringLongerThanJacksonsDefaultLimit_isRead_theBodyLimitIsTheGatewaysOwn() throws Exception {
        // a 15 MB image as base64: 20.1 M characters in one string, over Jackson's default 20 M
        String image = "A".repeat(20_100_000);
        byte[] body = ("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png;base64," + image + "\"}}]}]}").getBytes(StandardCharsets.US_ASCII);
        JsonNode root = Json.parseBody(body);
        assertThat(root.at("/messages/0/content/0/image_url/url").asText()).hasSize(image.length() + 22);
    }

    @Test
    void anUnchangedLargeMember_isWrittenAsTheClientSentIt_andTheRestFromTheTree() throws Exception {
        String sent = body(MESSAGES);
        ObjectNode body = (ObjectNode) Json.parseBody(utf8(sent));
        assertThat(body).isInstanceOf(SplicedObject.class);
        ObjectNode out = Json.shallowCopy(body);
        out.put("model", "upstream-model");
        out.putObject("stream_options").put("include_usage", true);
        assertThat(((SplicedObject) out).splicedMembers()).isEqualTo(1);

        String written = Json.buffer(out).toString(StandardCharsets.UTF_8);
        // the client's bytes, escapes and spaces included, are the messages member verbatim
        assertThat(written).contains("\"messages\":" + MESSAGES + ",");
        assertThat(written).startsWith("{\"model\":\"upstream-model\",\"messages\":");
        assertThat(written).endsWith(",\"temperature\":0.50,\"vendor_field\":{\"a\":[1,2.0]},\"stream_options\":{\"include_usage\":true}}");
        ObjectNode expected = (ObjectNode) Json.parse(utf8(sent));
        expected.put("model", "upstream-model");
        expected.putObject("stream_options").put("include_usage", true);
        assertThat(Json.parse(utf8(written))).isEqualTo(expected);
        // every writer gives the same JSON
        assertThat(Json.parse(Json.bytes(out))).isEqualTo(expected);
        assertThat(Json.parse(Json.text(out))).isEqualTo(expected);
        assertThat(Json.parse(out.toString())).isEqualTo(expected);
    }

    @Test
    void aMemberChangedInPlace_isWrittenFromTheTree() throws Exception {
        ObjectNode body = (ObjectNode) Json.parseBody(utf8(body(MESSAGES)));
        ((ArrayNode) body.get("messages")).insertObject(0).put("role", "system").put("content", "Be brief.");
        assertThat(((SplicedObject) body).splicedMembers()).isZero();
        JsonNode written = Json.parse(Json.bytes(body));
        assertThat(written.get("messages")).hasSize(2);
        assertThat(written.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(written.at("/messages/1/content").asText()).startsWith("café long text");

        ObjectNode deep = (ObjectNode) Json.parseBody(utf8(body(MESSAGES)));
        ((ObjectNode) deep.at("/messages/0")).put("content", "changed deep inside");
        assertThat(Json.parse(Json.bytes(deep)).at("/messages/0/content").asText()).isEqualTo("changed deep inside");
    }

    @Test
    void aMemberReplacedByAnEqualOne_isStillCopied_andAReplacedOneIsNot() throws Exception {
        ObjectNode body = (ObjectNode) Json.parseBody(utf8(body(MESSAGES)));
        body.set("messages", Json.parse(MESSAGES));
        assertThat(((SplicedObject) body).splicedMembers()).isEqualTo(1);
        body.set("messages", Json.parse("[{\"role\":\"user\",\"content\":\"short\"}]"));
        assertThat(((SplicedObject) body).splicedMembers()).isZero();
        assertThat(Json.text(body)).contains("\"messages\":[{\"role\":\"user\",\"content\":\"short\"}]");
    }

    @Test
    void aLargeStringMember_isCopiedToo() throws Exception {
        String input = "\"" + "a prompt with a \\\"quote\\\" and a \\n newline ".repeat(30) + "\"";
        ObjectNode body = (ObjectNode) Json.parseBody(utf8("{\"input\":" + input + ",\"model\":\"m\"}"));
        assertThat(((SplicedObject) body).splicedMembers()).isEqualTo(1);
        body.put("model", "n");
        String written = Json.text(body);
        assertThat(written).isEqualTo("{\"input\":" + input + ",\"model\":\"n\"}");
    }

    @Test
    void aNameGivenTwice_isWrittenOnce_withItsLastValue() throws Exception {
        String sent = "{\"messages\":" + MESSAGES + ",\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"last\"}]}";
        JsonNode body = Json.parseBody(utf8(sent));
        String written = Json.text(body);
        assertThat(written).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"last\"}],\"model\":\"m\"}");
    }

    @Test
    void smallBodies_andBodiesOfSmallMembers_andNonObjects_areAsParsed() throws Exception {
        assertThat(Json.parseBody(utf8("{\"model\":\"m\",\"messages\":[]}"))).isNotInstanceOf(SplicedObject.class);
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 100; i++) many.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"value\"");
        assertThat(Json.parseBody(utf8(many.append('}').toString()))).isNotInstanceOf(SplicedObject.class);
        assertThat(Json.parseBody(utf8("[" + MESSAGES + "]"))).isInstanceOf(ArrayNode.class);
    }

    @Test
    void largeBodies_thatAreNoSingleJsonObject_areRefusedAsThePlainParseRefusesThem() {
        String good = body(MESSAGES);
        for (String bad : new String[] {good + " {}", good + " x", good.substring(0, good.length() - 1), good.replace("\"temperature\"", "temperature"),
                "{\"a\":" + MESSAGES + "}}", "{\"a\":" + MESSAGES + ",\"b\":", "{\"a\":" + MESSAGES + ",\"b\"", "{\"a\":" + MESSAGES + ","}) {
            assertThatThrownBy(() -> Json.parse(utf8(bad))).isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> Json.parseBody(utf8(bad))).as(bad).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void copies_shallowKeepSplicing_deepDoNot() throws Exception {
        ObjectNode body = (ObjectNode) Json.parseBody(utf8(body(MESSAGES)));
        assertThat(Json.shallowCopy(body)).isInstanceOf(SplicedObject.class).isEqualTo(body);
        assertThat(body.deepCopy()).isNotInstanceOf(SplicedObject.class).isEqualTo(body);
        assertThat(Json.shallowCopy(Json.object().put("a", 1))).isEqualTo(Json.object().put("a", 1));
    }

    /** Random bodies with random spacing: whatever is changed, what is written reads as the tree. */
    @Test
    void randomBodies_writeWhatTheTreeHolds() throws Exception {
        Random random = new Random(42);
        int spliced = 0;
        for (int round = 0; round < 300; round++) {
            StringBuilder sent = new StringBuilder("{");
            int members = 1 + random.nextInt(6);
            for (int i = 0; i < members; i++) {
                if (i > 0) sent.append(space(random)).append(',');
                sent.append(space(random)).append("\"m").append(random.nextInt(8)).append('"').append(space(random)).append(':')
                        .append(space(random)).append(value(random, 0));
            }
            sent.append(space(random)).append('}');
            byte[] bytes = utf8(sent.toString());
            ObjectNode body = (ObjectNode) Json.parseBody(bytes);
            assertThat(body).as(sent.toString()).isEqualTo(Json.parse(bytes));
            ObjectNode copy = Json.shallowCopy(body);
            if (copy instanceof SplicedObject s && s.splicedMembers() > 0) spliced++;
            if (random.nextBoolean()) copy.put("model", "changed");
            if (random.nextBoolean() && copy.size() > 0) copy.remove(copy.fieldNames().next());
            if (random.nextBoolean() && copy.elements().hasNext() && copy.elements().next() instanceof ArrayNode a) a.add("added");
            ObjectNode expected = ((ObjectNode) Json.parse(bytes)).deepCopy();
            expected.removeAll();
            expected.setAll(copy.deepCopy());
            assertThat(Json.parse(Json.bytes(copy))).as(sent.toString()).isEqualTo(expected);
            assertThat(Json.parse(Json.text(copy))).as(sent.toString()).isEqualTo(expected);
        }
        assertThat(spliced).as("bodies written partly from their bytes").isGreaterThan(100);
    }

    private static String space(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "\n  ";
            default -> "\t";
        };
    }

    private static String value(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> "\"" + "text \\u00e9 \\\" ".repeat(r.nextInt(60)) + "\"";
            case 1 -> r.nextBoolean() ? "12.50" : "-3e5";
            case 2 -> r.nextBoolean() ? "true" : "null";
            case 3 -> "\"" + "x".repeat(r.nextInt(700)) + "\"";
            case 4 -> {
                StringBuilder a = new StringBuilder("[");
                int n = r.nextInt(12);
                for (int i = 0; i < n; i++) a.append(i > 0 ? "," + space(r) : "").append(value(r, depth + 1));
                yield a.append(space(r)).append(']').toString();
            }
            default -> {
                StringBuilder o = new StringBuilder("{");
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    o.append(i > 0 ? "," : "").append(space(r)).append("\"k").append(i).append("\":").append(space(r)).append(value(r, depth + 1));
                }
                yield o.append('}').toString();
            }
        };
    }
}
