//! Joint projects over HTTP on PostgreSQL: the whole story from proposal to completion, the open
//! call, rejection and revision, who may read a project that is not public yet, and every kind
//! of refusal (400, 401, 403, 404, 409, 412, 422), each writing nothing.

use chrono::Utc;
use domain::actor::{Actor, Role};
use domain::initiative::{Initiative, InitiativeCommand};
use domain::values::{AccountId, InitiativeId};
use e2e::{sample_profile, spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use store::EventMetadata;

/// What an answer says: status, `ETag` and body, and which request it answers.
struct Answer {
    what: String,
    status: u16,
    etag: Option<String>,
    body: Value,
}

impl Answer {
    fn error(&self) -> &Value {
        &self.body["error"]
    }
}

/// A request, built in one line.
struct Req {
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<Value>,
    if_match: Option<String>,
}

fn req(method: Method, path: impl Into<String>) -> Req {
    Req {
        method,
        path: path.into(),
        token: None,
        body: None,
        if_match: None,
    }
}

/// `POST /v1/joint-projects/{id}/{action}`.
fn on(id: &str, action: &str) -> Req {
    req(Method::POST, format!("/v1/joint-projects/{id}/{action}"))
}

/// `POST /v1/joint-projects`.
fn new() -> Req {
    req(Method::POST, "/v1/joint-projects")
}

/// `GET /v1/joint-projects/{id}`.
fn get(id: &str) -> Req {
    req(Method::GET, format!("/v1/joint-projects/{id}"))
}

impl Req {
    fn by(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    fn body(mut self, body: Option<Value>) -> Self {
        self.body = body;
        self
    }

    fn if_match(mut self, etag: Option<&str>) -> Self {
        self.if_match = etag.map(str::to_string);
        self
    }

    async fn send(self, app: &TestApp) -> Answer {
        let what = format!("{} {}", self.method, self.path);
        let mut request = app
            .client
            .request(self.method, format!("{}{}", app.address, self.path));
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = self.body {
            request = request.json(&body);
        }
        if let Some(etag) = self.if_match {
            request = request.header("if-match", etag);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            what,
            status,
            etag,
            body,
        }
    }
}

fn proposal(lead: InitiativeId) -> Value {
    json!({
        "lead_initiative_id": lead,
        "title": "Corredor del litio y la electromovilidad",
        "description": "Baterías con proveedores locales de Antofagasta y Jujuy.",
        "sectors": ["lithium", "electromobility"],
        "objectives": ["Homologar proveedores locales de celdas", "Compartir un laboratorio"],
    })
}

fn initiative(id: InitiativeId) -> Option<Value> {
    Some(json!({ "initiative_id": id }))
}

fn reason(text: &str) -> Option<Value> {
    Some(json!({ "reason": text }))
}

fn revision(title: &str, sectors: Value) -> Option<Value> {
    Some(json!({
        "title": title,
        "description": "Cada socio aporta proveedores; el laboratorio es compartido.",
        "sectors": sectors,
        "objectives": ["Homologar proveedores locales de celdas"],
    }))
}

/// The people of a story: a lead initiative and a partner, each with its manager, a third
/// initiative with its manager, a moderator and a member who manages nothing.
struct World {
    app: TestApp,
    lead: InitiativeId,
    lead_token: String,
    partner: InitiativeId,
    partner_token: String,
    third: InitiativeId,
    third_token: String,
    moderator: String,
    member: String,
}

impl World {
    async fn new(app: TestApp) -> Self {
        let ana = app.sign_up("Ana").await;
        let bruno = app.sign_up("Bruno").await;
        let carla = app.sign_up("Carla").await;
        let moderator = app.person_with("Marta", Role::Moderator).await;
        let member = app.sign_up("Mario").await;
        Self {
            lead: app.initiative_managed_by(ana.id, "Clúster del Litio").await,
            lead_token: app.token_for(ana.id).await,
            partner: app
                .initiative_managed_by(bruno.id, "Red Electromovilidad")
                .await,
            partner_token: app.token_for(bruno.id).await,
            third: app.initiative_managed_by(carla.id, "Polo Logístico").await,
            third_token: app.token_for(carla.id).await,
            moderator: app.token_for(moderator.id).await,
            member: app.token_for(member.id).await,
            app,
        }
    }

    /// Sends `request`, expecting it to succeed; the answer.
    async fn ok(&self, request: Req) -> Answer {
        let answer = request.send(&self.app).await;
        assert!(
            matches!(answer.status, 200 | 201),
            "{} → {} {}",
            answer.what,
            answer.status,
            answer.body
        );
        answer
    }

    /// A project proposed by the lead's manager; its id.
    async fn propose(&self) -> String {
        let answer = self
            .ok(new().by(&self.lead_token).body(Some(proposal(self.lead))))
            .await;
        answer.body["id"].as_str().unwrap().to_string()
    }

    /// A project proposed and approved (public).
    async fn approved(&self) -> String {
        let id = self.propose().await;
        self.ok(on(&id, "submission").by(&self.lead_token)).await;
        self.ok(on(&id, "approval").by(&self.moderator)).await;
        id
    }
}

/// Writes through the bus what HTTP in this file does not offer: initiatives in other states.
async fn arrange(app: &TestApp, id: InitiativeId, command: InitiativeCommand) {
    app.state
        .log
        .commands::<Initiative>(())
        .execute(
            &id.to_string(),
            command,
            EventMetadata::system("test", "Arrange"),
        )
        .await
        .expect("arranged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_proposes_a_partner_accepts_a_moderator_approves_and_the_project_runs() {
    let env = spawn_on_postgres().await;
    let w = World::new(env.app).await;
    let app = &w.app;

    // The lead's manager proposes: 201 with the new id, version 1 and its ETag.
    let answer = w
        .ok(new().by(&w.lead_token).body(Some(proposal(w.lead))))
        .await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.body["version"], 1);
    assert_eq!(answer.etag.as_deref(), Some("\"1\""));
    assert!(answer.body["position"].as_i64().unwrap() > 0);
    let id = answer.body["id"].as_str().unwrap().to_string();

    // Proposed: the lead's manager sees it, a visitor does not know it exists.
    let seen = w.ok(get(&id).by(&w.lead_token)).await;
    assert_eq!(seen.etag.as_deref(), Some("\"1\""));
    assert_eq!(seen.body["status"], "proposed");
    assert_eq!(seen.body["lead_initiative_id"], w.lead.to_string());
    assert_eq!(seen.body["sectors"], json!(["lithium", "electromobility"]));
    assert_eq!(seen.body["objectives"].as_array().unwrap().len(), 2);
    assert_eq!(seen.body["partners"], json!([]));
    assert_eq!(seen.body["call_for_partners_open"], false);
    assert_eq!(get(&id).send(app).await.status, 404);

    // The lead invites the partner, whose manager can now read the proposal and accepts.
    let invite = on(&id, "invitations").by(&w.lead_token);
    let invited = w.ok(invite.body(initiative(w.partner))).await;
    assert_eq!(invited.body["version"], 2);
    let seen = w.ok(get(&id).by(&w.partner_token)).await;
    let partners = json!([{ "initiative_id": w.partner, "invitation": "invited" }]);
    assert_eq!(seen.body["partners"], partners);
    let acceptance = format!("invitations/{}/acceptance", w.partner);
    let accepted = w.ok(on(&id, &acceptance).by(&w.partner_token)).await;
    assert_eq!(accepted.body["version"], 3);

    // Submitted; the moderator approves what they read (If-Match with its ETag).
    w.ok(on(&id, "submission").by(&w.lead_token)).await;
    let seen = w.ok(get(&id).by(&w.moderator)).await;
    assert_eq!(seen.body["status"], "under_review");
    let approval = on(&id, "approval").by(&w.moderator);
    let approved = w.ok(approval.if_match(seen.etag.as_deref())).await;
    assert_eq!(approved.etag.as_deref(), Some("\"5\""));

    // Approved is public.
    let public = w.ok(get(&id)).await;
    assert_eq!(public.body["status"], "approved");
    let partners = json!([{ "initiative_id": w.partner, "invitation": "accepted" }]);
    assert_eq!(public.body["partners"], partners);

    // Two accepted initiatives (the lead and the partner): it becomes active, then completes.
    w.ok(on(&id, "activation").by(&w.lead_token)).await;
    assert_eq!(w.ok(get(&id)).await.body["status"], "active");
    let completed = w.ok(on(&id, "completion").by(&w.lead_token)).await;
    assert_eq!(completed.body["version"], 7);
    let done = w.ok(get(&id)).await;
    assert_eq!(done.body["status"], "completed");
    assert_eq!(done.etag.as_deref(), Some("\"7\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_call_gathers_interest_that_the_lead_turns_into_invitations() {
    let env = spawn_on_postgres().await;
    let w = World::new(env.app).await;
    let app = &w.app;
    let id = w.approved().await;
    let call = format!("/v1/joint-projects/{id}/call-for-partners");

    let opened = w.ok(req(Method::PUT, &call).by(&w.lead_token)).await;
    assert_eq!(opened.body["version"], 4);
    // Opening an open call writes nothing and answers the same version.
    let before = app.head().await;
    let again = w.ok(req(Method::PUT, &call).by(&w.lead_token)).await;
    assert_eq!(again.body["version"], 4);
    assert!(again.body["position"].is_null());
    assert_eq!(again.etag.as_deref(), Some("\"4\""));
    assert_eq!(app.head().await, before);

    // Two initiatives answer the call; each manager speaks for their own.
    let interests = || on(&id, "interests");
    w.ok(interests().by(&w.partner_token).body(initiative(w.partner)))
        .await;
    w.ok(interests().by(&w.third_token).body(initiative(w.third)))
        .await;
    let seen = w.ok(get(&id)).await;
    assert_eq!(seen.body["call_for_partners_open"], true);
    let interested = seen.body["interested_initiative_ids"].as_array().unwrap();
    assert_eq!(interested.len(), 2);

    // The lead turns both interests into invitations.
    let invite = || on(&id, "invitations").by(&w.lead_token);
    w.ok(invite().body(initiative(w.partner))).await;
    w.ok(invite().body(initiative(w.third))).await;
    let seen = w.ok(get(&id)).await;
    assert_eq!(seen.body["interested_initiative_ids"], json!([]));
    assert_eq!(seen.body["partners"].as_array().unwrap().len(), 2);

    // One declines with a reason, the other without a body at all.
    let decline = |initiative: InitiativeId| on(&id, &format!("invitations/{initiative}/decline"));
    let busy = reason("No tenemos equipo este año.");
    w.ok(decline(w.partner).by(&w.partner_token).body(busy))
        .await;
    w.ok(decline(w.third).by(&w.third_token)).await;
    let seen = w.ok(get(&id)).await;
    let states: Vec<&str> = seen.body["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["invitation"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["declined", "declined"]);

    w.ok(req(Method::DELETE, &call).by(&w.lead_token)).await;
    let seen = w.ok(get(&id)).await;
    assert_eq!(seen.body["call_for_partners_open"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_project_is_revised_and_a_withdrawn_one_stops_being_public() {
    let env = spawn_on_postgres().await;
    let w = World::new(env.app).await;
    let app = &w.app;
    let id = w.propose().await;
    w.ok(on(&id, "submission").by(&w.lead_token)).await;
    let why = "Falta describir el aporte de cada socio.";
    w.ok(on(&id, "rejection").by(&w.moderator).body(reason(why)))
        .await;
    assert_eq!(get(&id).send(app).await.status, 404);
    let seen = w.ok(get(&id).by(&w.lead_token)).await;
    assert_eq!(seen.body["status"], "rejected");
    assert_eq!(seen.body["rejection_reason"], why);

    let title = "Corredor del litio: proveedores y laboratorio";
    let revise = req(Method::PUT, format!("/v1/joint-projects/{id}")).by(&w.lead_token);
    let body = revision(title, json!(["lithium", "mining"]));
    w.ok(revise.body(body).if_match(seen.etag.as_deref())).await;
    let seen = w.ok(get(&id).by(&w.lead_token)).await;
    assert_eq!(seen.body["status"], "proposed");
    assert_eq!(seen.body["title"], title);
    assert_eq!(seen.body["sectors"], json!(["lithium", "mining"]));
    assert!(seen.body["rejection_reason"].is_null());

    // Withdrawn without a body; an approved one with a reason, and it is no longer public.
    w.ok(on(&id, "withdrawal").by(&w.lead_token)).await;
    let seen = w.ok(get(&id).by(&w.lead_token)).await;
    assert_eq!(seen.body["status"], "withdrawn");
    let public = w.approved().await;
    assert_eq!(get(&public).send(app).await.status, 200);
    let withdrawal = on(&public, "withdrawal").by(&w.lead_token);
    w.ok(withdrawal.body(reason("Se postergó un año."))).await;
    assert_eq!(get(&public).send(app).await.status, 404);
    assert_eq!(get(&public).by(&w.moderator).send(app).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_that_is_not_public_is_shown_only_to_the_managers_involved_and_moderators() {
    let env = spawn_on_postgres().await;
    let w = World::new(env.app).await;
    let app = &w.app;
    let id = w.propose().await;
    let invite = on(&id, "invitations").by(&w.lead_token);
    w.ok(invite.body(initiative(w.partner))).await;
    let auditor = app.person_with("Auditor", Role::Auditor).await;
    let auditor = app.token_for(auditor.id).await;
    let admin = app.admin().await;
    let admin = app.token_for(admin.id).await;

    let never = uuid::Uuid::now_v7().to_string();
    for (who, token, expected) in [
        ("lead's manager", Some(&w.lead_token), 200),
        ("invited partner's manager", Some(&w.partner_token), 200),
        ("moderator", Some(&w.moderator), 200),
        ("visitor", None, 404),
        ("member", Some(&w.member), 404),
        (
            "manager of an uninvolved initiative",
            Some(&w.third_token),
            404,
        ),
        ("auditor", Some(&auditor), 404),
        ("administrator", Some(&admin), 404),
    ] {
        let as_who = |request: Req| match token {
            Some(token) => request.by(token),
            None => request,
        };
        let answer = as_who(get(&id)).send(app).await;
        assert_eq!(answer.status, expected, "{who}: {}", answer.body);
        if expected == 404 {
            // Exactly what an id that never existed gets.
            let unknown = as_who(get(&never)).send(app).await;
            assert_eq!(answer.body, unknown.body, "{who}");
        }
    }
    assert_eq!(get("not-a-uuid").send(app).await.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_fields_are_400s_naming_each_field_and_write_nothing() {
    let env = spawn_on_postgres().await;
    let w = World::new(env.app).await;
    let app = &w.app;
    let id = w.propose().await;
    let before = app.head().await;
    let propose = || new().by(&w.lead_token);
    let with = |field: &str, value: Value| {
        let mut body = proposal(w.lead);
        body[field] = value;
        propose().body(Some(body))
    };
    let decline = format!("invitations/{}/decline", w.partner);
    let revise = req(Method::PUT, format!("/v1/joint-projects/{id}")).by(&w.lead_token);
    let lead = &w.lead_token;
    let cases = [
        (with("title", json!("")), "title"),
        (with("title", json!("x".repeat(201))), "title"),
        (with("title", json!("two\nlines")), "title"),
        (with("description", json!("x".repeat(5001))), "description"),
        (
            with("sectors", json!(["lithium", "unobtainium"])),
            "sectors[1]",
        ),
        (with("sectors", json!([])), "sectors"),
        (with("sectors", json!(["lithium", "lithium"])), "sectors"),
        (
            with("objectives", json!(["Compartir", "   "])),
            "objectives[1]",
        ),
        (
            with("objectives", json!(["x".repeat(501)])),
            "objectives[0]",
        ),
        (
            with("lead_initiative_id", json!("nope")),
            "lead_initiative_id",
        ),
        // Unknown and missing fields.
        (with("budget", json!(1)), ""),
        (propose().body(Some(json!({ "title": "T" }))), ""),
        // The other bodies, ids in the path, and If-Match.
        (revise.body(revision(" ", json!(["mining"]))), "title"),
        (
            on(&id, "rejection").by(&w.moderator).body(reason("")),
            "reason",
        ),
        (
            on(&id, "withdrawal")
                .by(lead)
                .body(reason(&"r".repeat(1001))),
            "reason",
        ),
        (
            on(&id, &decline).by(&w.partner_token).body(reason("\u{7}")),
            "reason",
        ),
        (
            on(&id, "invitations")
                .by(lead)
                .body(Some(json!({ "initiative_id": "7" }))),
            "initiative_id",
        ),
        (
            on(&id, "interests")
                .by(lead)
                .body(Some(json!({ "initiative_id": "" }))),
            "initiative_id",
        ),
        (
            on(&id, "invitations/nope/acceptance").by(lead),
            "initiative_id",
        ),
        (on("nope", "submission").by(lead), "id"),
        (
            on(&id, "submission").by(lead).if_match(Some("yesterday")),
            "",
        ),
    ];
    for (request, field) in cases {
        let answer = request.send(app).await;
        assert_eq!(answer.status, 400, "{} → {}", answer.what, answer.body);
        if !field.is_empty() {
            let fields = answer.error()["fields"].as_array().unwrap();
            assert_eq!(fields.len(), 1, "{}", answer.body);
            assert_eq!(fields[0]["field"], field, "{}", answer.body);
        }
    }
    // No body at all is not JSON.
    assert_eq!(propose().send(app).await.status, 415);
    // Every invalid field at once.
    let all_bad = json!({
        "lead_initiative_id": "x", "title": "", "description": "d".repeat(5001),
        "sectors": ["lithium", "nope"], "objectives": ["", "fine"],
    });
    let answer = propose().body(Some(all_bad)).send(app).await;
    let fields: Vec<&str> = answer.error()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    let expected = [
        "lead_initiative_id",
        "title",
        "description",
        "sectors[1]",
        "objectives[0]",
    ];
    assert_eq!(fields, expected);
    assert_eq!(app.head().await, before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_401_403_404_409_412_422_and_write_nothing() {
    let env = spawn_on_postgres().await;
    let w = World::new(env.app).await;
    let app = &w.app;
    let (lead, part, third) = (&w.lead_token, &w.partner_token, &w.third_token);
    let (moderator, member) = (&w.moderator, &w.member);
    let proposed = w.propose().await;
    w.ok(on(&proposed, "invitations")
        .by(lead)
        .body(initiative(w.partner)))
        .await;
    let acceptance = format!("invitations/{}/acceptance", w.partner);
    w.ok(on(&proposed, &acceptance).by(part)).await;
    let approved = w.approved().await;
    // A manager whose initiative is not approved yet, and an initiative that was retired.
    let dora = app.sign_up("Dora").await;
    let pending = InitiativeId::new();
    let register = InitiativeCommand::Register {
        id: pending,
        profile: sample_profile(),
        actor: Actor::member(dora.id),
        at: Utc::now(),
    };
    arrange(app, pending, register).await;
    let dora = app.token_for(dora.id).await;
    let retired = app
        .initiative_managed_by(AccountId::new(), "Retirada")
        .await;
    let retire = InitiativeCommand::Retire {
        reason: None,
        actor: Actor::moderator(AccountId::new()),
        at: Utc::now(),
    };
    arrange(app, retired, retire).await;
    let unknown = uuid::Uuid::now_v7().to_string();
    let before = app.head().await;

    let accept_third = format!("invitations/{}/acceptance", w.third);
    let revise = req(Method::PUT, format!("/v1/joint-projects/{proposed}"));
    let open_call = req(
        Method::PUT,
        format!("/v1/joint-projects/{approved}/call-for-partners"),
    );
    let objectives = |list: Value| {
        let mut body = proposal(w.lead);
        body["objectives"] = list;
        Some(body)
    };
    let stale = |etag: &'static str| Some(etag);
    let cases = [
        // 401: not signed in.
        (401, new().body(Some(proposal(w.lead)))),
        (401, on(&proposed, "submission")),
        // 403: not a manager of the initiative acted for, or not a moderator.
        (403, new().by(member).body(Some(proposal(w.lead)))),
        (403, new().by(part).body(Some(proposal(w.lead)))),
        (403, on(&proposed, "submission").by(part)),
        (403, revise.by(third).body(revision("T", json!(["mining"])))),
        (
            403,
            on(&proposed, "invitations")
                .by(member)
                .body(initiative(w.third)),
        ),
        (403, on(&proposed, &accept_third).by(member)),
        (
            403,
            on(&approved, "interests")
                .by(member)
                .body(initiative(w.third)),
        ),
        (403, open_call.by(part)),
        (403, on(&approved, "activation").by(part)),
        (403, on(&proposed, "withdrawal").by(part)),
        (403, on(&proposed, "approval").by(lead)),
        (
            403,
            on(&proposed, "rejection").by(member).body(reason("No.")),
        ),
        // 404: no such project.
        (404, on(&unknown, "submission").by(lead)),
        (
            404,
            on(&unknown, "invitations")
                .by(lead)
                .body(initiative(w.partner)),
        ),
        (404, on(&unknown, "approval").by(moderator)),
        // 409: the project (or the invitation) is not in a state that allows it.
        (409, on(&proposed, "approval").by(moderator)),
        (409, on(&proposed, &acceptance).by(part)),
        (409, on(&approved, "completion").by(lead)),
        (409, on(&approved, "submission").by(lead)),
        // 412: changed since the version the client read.
        (
            412,
            on(&proposed, "submission")
                .by(lead)
                .if_match(stale("\"1\"")),
        ),
        (
            412,
            on(&approved, "activation")
                .by(lead)
                .if_match(stale("\"99\"")),
        ),
        // 422: a business rule.
        (422, new().by(&dora).body(Some(proposal(pending)))),
        (422, new().by(lead).body(objectives(json!([])))),
        (
            422,
            new().by(lead).body(objectives(json!(vec!["Objetivo"; 11]))),
        ),
        (
            422,
            on(&proposed, "invitations")
                .by(lead)
                .body(initiative(w.lead)),
        ),
        (
            422,
            on(&proposed, "invitations")
                .by(lead)
                .body(initiative(w.partner)),
        ),
        (
            422,
            on(&proposed, "invitations")
                .by(lead)
                .body(initiative(pending)),
        ),
        (
            422,
            on(&proposed, "invitations")
                .by(lead)
                .body(initiative(retired)),
        ),
        (
            422,
            on(&proposed, "invitations")
                .by(lead)
                .body(initiative(InitiativeId::new())),
        ),
        (422, on(&approved, "activation").by(lead)),
        (
            422,
            on(&approved, "interests")
                .by(third)
                .body(initiative(w.third)),
        ),
        (422, on(&approved, &accept_third).by(third)),
    ];
    for (expected, request) in cases {
        let answer = request.send(app).await;
        assert_eq!(answer.status, expected, "{} → {}", answer.what, answer.body);
        assert!(!answer.error()["message"].as_str().unwrap().is_empty());
        if expected == 409 {
            assert!(answer.error()["current"].is_object(), "{}", answer.body);
        }
        assert_eq!(app.head().await, before, "{} wrote something", answer.what);
    }

    // A 409 says what the state is now.
    let answer = on(&proposed, "approval").by(moderator).send(app).await;
    assert_eq!(answer.error()["current"], json!({ "status": "proposed" }));
    let answer = on(&proposed, &acceptance).by(part).send(app).await;
    let current = json!({ "initiative_id": w.partner, "invitation": "accepted" });
    assert_eq!(answer.error()["current"], current);
    // The lead's own initiative is no partner of its project.
    let self_invitation = on(&proposed, "invitations")
        .by(lead)
        .body(initiative(w.lead));
    let answer = self_invitation.send(app).await;
    assert!(answer.error()["message"].as_str().unwrap().contains("lead"));
    assert_eq!(app.head().await, before);
}
