package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Budget;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.Limits;
import dev.switchboard.config.TeamSpec;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.store.StoreTx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** {@code /admin/teams}: a budget and limits shared by the team's keys. A team with keys cannot be deleted. */
final class TeamsAdmin {

    /** What the answers carry that the server writes itself: ignored in a body sent back. */
    private static final List<String> READ_ONLY = List.of("id", "source");

    static final List<String> FIELDS = List.of("name", "budget", "limits", "metadata");

    record Input(String name, Budget budget, Limits limits, Map<String, Object> metadata) {}

    private final AdminHttp http;

    TeamsAdmin(AdminHttp http) {
        this.http = http;
    }

    void mount(Router r) {
        r.post("/admin/teams").handler(this::create);
        r.get("/admin/teams").handler(this::list);
        r.get("/admin/teams/:id").handler(this::get);
        r.patch("/admin/teams/:id").handler(this::patch);
        r.delete("/admin/teams/:id").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        ObjectNode body = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 201, tx -> {
            Input in = checked(body);
            if (tx.teams().findByName(in.name()).isPresent()) throw taken(in.name());
            TeamSpec team = new TeamSpec(Ids.team(), in.name(), in.budget(), in.limits(), in.metadata(), "api");
            tx.teams().insert(team);
            return team;
        }, team -> AdminHttp.data(view(team)));
    }

    private void list(RoutingContext ctx) {
        AdminHttp.Paging p = AdminHttp.paging(ctx);
        http.read(ctx, tx -> tx.teams().page(p.limit(), p.offset()), page -> AdminHttp.list(page.map(TeamsAdmin::view)));
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.read(ctx, tx -> tx.teams().find(id).orElseThrow(() -> AdminHttp.notFound("team", id)), t -> AdminHttp.data(view(t)));
    }

    private void patch(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ObjectNode patch = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 200, tx -> {
            TeamSpec current = editable(tx, id);
            Input in = checked(AdminHttp.mergePatch(AdminHttp.STRICT.valueToTree(
                    new Input(current.name(), current.budget(), current.limits(), current.metadata())), patch));
            if (!in.name().equals(current.name()) && tx.teams().findByName(in.name()).isPresent()) throw taken(in.name());
            TeamSpec next = new TeamSpec(id, in.name(), in.budget(), in.limits(), in.metadata(), current.source());
            tx.teams().update(next);
            return next;
        }, saved -> AdminHttp.data(view(saved)));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.write(ctx, 200, tx -> {
            editable(tx, id);
            long keys = tx.keys().countInTeam(id);
            if (keys > 0) throw GatewayError.of(ErrorKind.CONFLICT, "The team still has " + keys + " key(s); move or delete them first.");
            return tx.teams().delete(id);
        }, gone -> AdminHttp.deleted(id));
    }

    private static TeamSpec editable(StoreTx tx, String id) {
        TeamSpec current = tx.teams().find(id).orElseThrow(() -> AdminHttp.notFound("team", id));
        if ("file".equals(current.source())) throw AdminHttp.readOnly("team");
        return current;
    }

    private static GatewayError taken(String name) {
        return GatewayError.conflict("name", "A team named '" + name + "' already exists.");
    }

    private static Input checked(JsonNode body) {
        Input in = AdminHttp.bind(body, Input.class, FIELDS);
        AdminHttp.name("name", in.name());
        ConfigValidator.budget("budget", in.budget());
        ConfigValidator.limits("limits", in.limits());
        return in;
    }

    static ObjectNode view(TeamSpec t) {
        return AdminHttp.STRICT.valueToTree(t);
    }
}
