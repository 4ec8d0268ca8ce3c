//! Communities of practice and their threads over HTTP on PostgreSQL: every command's happy path,
//! who sees what on the reads, and every kind of refusal answered clearly with nothing written.

use domain::actor::Role;
use e2e::{spawn_on_postgres, Person, PostgresApp, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// An answer: status, JSON body (`Null` if none) and `ETag`.
struct Answer {
    status: u16,
    body: Value,
    etag: Option<String>,
}

impl Answer {
    /// The error's `fields[*].field`, in order.
    fn fields(&self) -> Vec<String> {
        self.body["error"]["fields"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|f| f["field"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_string()
    }
}

/// A test server with a moderator and a few members, and their tokens.
struct World {
    env: PostgresApp,
    moderator: String,
    /// Becomes a facilitator where a test needs one.
    fabi: (Person, String),
    ana: (Person, String),
    bruno: (Person, String),
}

impl World {
    async fn new() -> Self {
        let env = spawn_on_postgres().await;
        let app = &env.app;
        let moderator = app.person_with("Moderator", Role::Moderator).await;
        let moderator = app.token_for(moderator.id).await;
        let mut people = Vec::new();
        for name in ["Fabi", "Ana", "Bruno"] {
            let person = app.sign_up(name).await;
            let token = app.token_for(person.id).await;
            people.push((person, token));
        }
        let bruno = people.pop().unwrap();
        let ana = people.pop().unwrap();
        let fabi = people.pop().unwrap();
        Self {
            env,
            moderator,
            fabi,
            ana,
            bruno,
        }
    }

    fn app(&self) -> &TestApp {
        &self.env.app
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Answer {
        let app = self.app();
        let mut request = app.client.request(method, format!("{}{path}", app.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(version) = if_match {
            request = request.header("if-match", version);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, etag }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, path, token, None, None).await
    }

    async fn post(&self, path: &str, token: &str, body: Option<Value>) -> Answer {
        self.call(Method::POST, path, Some(token), body, None).await
    }

    /// A community made by the moderator over HTTP; its id.
    async fn community(&self, join_policy: &str) -> String {
        let answer = self
            .post(
                "/v1/communities",
                &self.moderator,
                Some(json!({
                    "name": "Cadena del litio",
                    "theme": { "sector": "lithium" },
                    "join_policy": join_policy,
                })),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.body);
        answer.id()
    }

    /// A community where Fabi facilitates and Ana is a member; with a thread Ana started.
    async fn community_with_thread(&self) -> (String, String, String) {
        let community = self.community("open").await;
        for token in [&self.fabi.1, &self.ana.1] {
            let joined = self
                .ok(
                    Method::POST,
                    &format!("/v1/communities/{community}/membership"),
                    token,
                    None,
                )
                .await;
            assert!(joined["position"].is_i64(), "{joined}");
        }
        let promote = json!({ "account_id": self.fabi.0.id });
        self.ok(
            Method::POST,
            &format!("/v1/communities/{community}/facilitators"),
            &self.moderator,
            Some(promote),
        )
        .await;
        let started = self
            .post(
                &format!("/v1/communities/{community}/threads"),
                &self.ana.1,
                Some(json!({ "title": "Proveedores locales", "body": "¿Cómo los certifican?" })),
            )
            .await;
        assert_eq!(started.status, 201, "{}", started.body);
        let thread = started.id();
        let opening = self.get(&format!("/v1/threads/{thread}"), None).await.body["posts"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        (community, thread, opening)
    }

    /// A command that must succeed (200 or 201); its `Written`.
    async fn ok(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
        let answer = self
            .call(method.clone(), path, Some(token), body, None)
            .await;
        assert!(
            answer.status == 200 || answer.status == 201,
            "{method} {path}: {} {}",
            answer.status,
            answer.body
        );
        let version = answer.body["version"].as_u64().expect("a version");
        assert_eq!(
            answer.etag,
            Some(format!("\"{version}\"")),
            "ETag of {path}"
        );
        answer.body
    }

    /// A request that must be refused with `status` and write nothing.
    async fn refused(
        &self,
        status: u16,
        (method, path): (Method, &str),
        token: Option<&str>,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Answer {
        let before = self.app().head().await;
        let answer = self.call(method.clone(), path, token, body, if_match).await;
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.body);
        assert!(!answer.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty());
        assert_eq!(
            self.app().head().await,
            before,
            "{method} {path} wrote nothing"
        );
        answer
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_asks_to_join_a_facilitator_accepts_and_the_member_posts() {
    let w = World::new().await;
    let created = w
        .call(
            Method::POST,
            "/v1/communities",
            Some(&w.moderator),
            Some(json!({
                "name": "Hidrógeno verde en el Cono Sur",
                "theme": { "topic": "Hidrógeno verde y puertos" },
                "join_policy": "moderated",
            })),
            None,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        (created.body["version"].as_u64(), created.etag.as_deref()),
        (Some(1), Some("\"1\""))
    );
    assert!(created.body["position"].as_i64().unwrap() > 0);
    let id = created.id();
    let base = format!("/v1/communities/{id}");

    // Fabi asks, the moderator accepts and makes Fabi a facilitator.
    w.ok(Method::POST, &format!("{base}/membership"), &w.fabi.1, None)
        .await;
    let fabi = w.fabi.0.id;
    w.ok(
        Method::POST,
        &format!("{base}/join-requests/{fabi}/acceptance"),
        &w.moderator,
        None,
    )
    .await;
    w.ok(
        Method::POST,
        &format!("{base}/facilitators"),
        &w.moderator,
        Some(json!({ "account_id": fabi })),
    )
    .await;

    // Ana asks to join: not yet a member, so she cannot post.
    w.ok(Method::POST, &format!("{base}/membership"), &w.ana.1, None)
        .await;
    let mine = w.get(&base, Some(&w.ana.1)).await;
    assert_eq!(mine.body["you"]["role"], Value::Null);
    assert!(
        mine.body["you"]["join_requested_at"].is_string(),
        "{}",
        mine.body
    );
    assert!(mine.body.get("members").is_none() && mine.body.get("join_requests").is_none());
    let thread_body = json!({ "title": "Hola", "body": "Primera pregunta" });
    w.refused(
        403,
        (Method::POST, &format!("{base}/threads")),
        Some(&w.ana.1),
        Some(thread_body.clone()),
        None,
    )
    .await;

    // The facilitator sees the request and accepts it.
    let seen = w.get(&base, Some(&w.fabi.1)).await;
    assert_eq!(
        seen.body["join_requests"][0]["account_id"],
        json!(w.ana.0.id),
        "{}",
        seen.body
    );
    let ana = w.ana.0.id;
    w.ok(
        Method::POST,
        &format!("{base}/join-requests/{ana}/acceptance"),
        &w.fabi.1,
        None,
    )
    .await;

    // Now a member, Ana starts a thread; Fabi replies; everyone reads them in order.
    let started = w
        .post(&format!("{base}/threads"), &w.ana.1, Some(thread_body))
        .await;
    assert_eq!(
        (started.status, started.etag.as_deref()),
        (201, Some("\"1\"")),
        "{}",
        started.body
    );
    let thread = started.id();
    let reply = w
        .post(
            &format!("/v1/threads/{thread}/posts"),
            &w.fabi.1,
            Some(json!({ "body": "Bienvenida" })),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let read = w.get(&format!("/v1/threads/{thread}"), None).await;
    assert_eq!((read.status, read.etag.as_deref()), (200, Some("\"2\"")));
    assert_eq!(read.body["title"], "Hola");
    assert_eq!(read.body["community_id"], json!(id));
    let posts = read.body["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2);
    assert_eq!(
        (posts[0]["body"].as_str(), posts[0]["author_id"].clone()),
        (Some("Primera pregunta"), json!(ana))
    );
    assert_eq!(
        (posts[1]["id"].clone(), posts[1]["status"].as_str()),
        (reply.body["id"].clone(), Some("visible"))
    );

    // Who sees what on the community.
    let public = w.get(&base, None).await;
    assert_eq!(public.body["name"], "Hidrógeno verde en el Cono Sur");
    assert_eq!(
        public.body["theme"],
        json!({ "topic": "Hidrógeno verde y puertos" })
    );
    assert_eq!(public.body["join_policy"], "moderated");
    assert_eq!(public.body["facilitators"], json!([fabi]));
    assert_eq!(public.body["member_count"], 2);
    assert_eq!(public.etag.as_deref(), Some("\"6\""));
    for absent in ["members", "join_requests", "you"] {
        assert!(
            public.body.get(absent).is_none(),
            "{absent}: {}",
            public.body
        );
    }
    let stranger = w.get(&base, Some(&w.bruno.1)).await.body;
    assert!(stranger.get("members").is_none() && stranger["you"]["role"].is_null());
    let member = w.get(&base, Some(&w.ana.1)).await.body;
    assert_eq!(member["you"]["role"], "member");
    assert_eq!(member["members"].as_array().unwrap().len(), 2);
    assert!(member.get("join_requests").is_none(), "{member}");
    let moderator = w.get(&base, Some(&w.moderator)).await.body;
    assert!(moderator["members"].is_array() && moderator["join_requests"] == json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn membership_and_management_commands_each_do_what_they_say() {
    let w = World::new().await;
    let open = w.community("open").await;
    let base = format!("/v1/communities/{open}");
    // Open: a member at once, and may leave.
    w.ok(Method::POST, &format!("{base}/membership"), &w.ana.1, None)
        .await;
    assert_eq!(
        w.get(&base, Some(&w.ana.1)).await.body["you"]["role"],
        "member"
    );
    w.ok(
        Method::DELETE,
        &format!("{base}/membership"),
        &w.ana.1,
        None,
    )
    .await;
    assert_eq!(w.get(&base, None).await.body["member_count"], 0);

    // Promote and demote.
    w.ok(Method::POST, &format!("{base}/membership"), &w.fabi.1, None)
        .await;
    let fabi = w.fabi.0.id;
    w.ok(
        Method::POST,
        &format!("{base}/facilitators"),
        &w.moderator,
        Some(json!({ "account_id": fabi })),
    )
    .await;
    assert_eq!(w.get(&base, None).await.body["facilitators"], json!([fabi]));
    w.ok(
        Method::DELETE,
        &format!("{base}/facilitators/{fabi}"),
        &w.moderator,
        None,
    )
    .await;
    assert_eq!(w.get(&base, None).await.body["facilitators"], json!([]));

    // Rename and change how people join; the same name again writes nothing.
    let renamed = w
        .ok(
            Method::PUT,
            &format!("{base}/name"),
            &w.moderator,
            Some(json!({ "name": "Litio" })),
        )
        .await;
    let again = w
        .ok(
            Method::PUT,
            &format!("{base}/name"),
            &w.moderator,
            Some(json!({ "name": "Litio" })),
        )
        .await;
    assert_eq!(
        (again["version"].clone(), again["position"].clone()),
        (renamed["version"].clone(), Value::Null)
    );
    w.ok(
        Method::PUT,
        &format!("{base}/join-policy"),
        &w.moderator,
        Some(json!({ "join_policy": "moderated" })),
    )
    .await;
    let read = w.get(&base, None).await.body;
    assert_eq!(
        (read["name"].as_str(), read["join_policy"].as_str()),
        (Some("Litio"), Some("moderated"))
    );
    assert_eq!(read["theme"], json!({ "sector": "lithium" }));

    // Moderated now: ask and withdraw; ask and be declined with a reason.
    w.ok(Method::POST, &format!("{base}/membership"), &w.ana.1, None)
        .await;
    w.ok(
        Method::DELETE,
        &format!("{base}/join-request"),
        &w.ana.1,
        None,
    )
    .await;
    assert!(w.get(&base, Some(&w.ana.1)).await.body["you"]["join_requested_at"].is_null());
    w.ok(
        Method::POST,
        &format!("{base}/membership"),
        &w.bruno.1,
        None,
    )
    .await;
    let bruno = w.bruno.0.id;
    let reason = json!({ "reason": "Este grupo es para proveedores del litio" });
    w.ok(
        Method::POST,
        &format!("{base}/join-requests/{bruno}/decline"),
        &w.moderator,
        Some(reason),
    )
    .await;
    let read = w.get(&base, Some(&w.moderator)).await.body;
    assert_eq!(
        (read["join_requests"].clone(), read["member_count"].clone()),
        (json!([]), json!(1))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_are_edited_deleted_hidden_and_each_reader_sees_what_they_should() {
    let w = World::new().await;
    let (_, thread, opening) = w.community_with_thread().await;
    let posts = format!("/v1/threads/{thread}/posts");
    let reply = w
        .post(&posts, &w.ana.1, Some(json!({ "body": "Y otra cosa" })))
        .await
        .id();

    w.ok(
        Method::PATCH,
        &format!("{posts}/{opening}"),
        &w.ana.1,
        Some(json!({ "body": "¿Cómo los certifican hoy?" })),
    )
    .await;
    w.ok(Method::DELETE, &format!("{posts}/{reply}"), &w.ana.1, None)
        .await;
    let hide = json!({ "reason": "Datos personales de un tercero" });
    w.ok(
        Method::POST,
        &format!("{posts}/{opening}/hiding"),
        &w.fabi.1,
        Some(hide),
    )
    .await;

    let path = format!("/v1/threads/{thread}");
    for (who, token) in [
        ("visitor", None),
        ("member", Some(&w.bruno.1)),
        ("author", Some(&w.ana.1)),
    ] {
        let posts = w.get(&path, token.map(String::as_str)).await.body["posts"].clone();
        assert_eq!(posts[0]["status"], "hidden", "{who}");
        for concealed in ["body", "author_id"] {
            assert!(
                posts[0][concealed].is_null(),
                "{who} sees no {concealed}: {posts}"
            );
        }
        assert!(posts[0].get("hidden").is_none(), "{who}: {posts}");
        assert_eq!(
            (posts[1]["status"].as_str(), posts[1]["body"].clone()),
            (Some("deleted"), Value::Null)
        );
    }
    for (who, token) in [("facilitator", &w.fabi.1), ("moderator", &w.moderator)] {
        let posts = w.get(&path, Some(token)).await.body["posts"].clone();
        assert_eq!(posts[0]["body"], "¿Cómo los certifican hoy?", "{who}");
        assert_eq!(
            posts[0]["hidden"]["reason"], "Datos personales de un tercero",
            "{who}"
        );
        assert_eq!(posts[0]["hidden"]["hidden_by"], json!(w.fabi.0.id));
        assert!(posts[0]["edited_at"].is_string(), "{who}: {posts}");
        assert!(posts[1]["body"].is_null(), "{who}: deleted has no text");
    }

    w.ok(
        Method::DELETE,
        &format!("{posts}/{opening}/hiding"),
        &w.moderator,
        None,
    )
    .await;
    let visible = w.get(&path, None).await.body["posts"][0].clone();
    assert_eq!(
        (visible["status"].as_str(), visible["body"].as_str()),
        (Some("visible"), Some("¿Cómo los certifican hoy?"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_fields_are_400s_naming_each_field() {
    let w = World::new().await;
    let (community, thread, opening) = w.community_with_thread().await;
    let m = Some(w.moderator.as_str());
    let long = "x".repeat(201);
    let create = |body: Value| -> Call { (Method::POST, "/v1/communities".into(), m, Some(body)) };
    let cases: Vec<(Call, Vec<&str>)> = vec![
        (
            create(json!({ "name": "", "theme": { "sector": "lithium" }, "join_policy": "open" })),
            vec!["name"],
        ),
        (
            create(
                json!({ "name": "A", "theme": { "sector": "unobtainium" }, "join_policy": "open" }),
            ),
            vec!["theme.sector"],
        ),
        (
            create(json!({ "name": "A", "theme": { "topic": long }, "join_policy": "open" })),
            vec!["theme.topic"],
        ),
        (
            create(json!({ "name": "A", "theme": {}, "join_policy": "open" })),
            vec!["theme"],
        ),
        (
            create(
                json!({ "name": "A", "theme": { "sector": "lithium", "topic": "B" }, "join_policy": "open" }),
            ),
            vec!["theme"],
        ),
        (
            create(
                json!({ "name": "A", "theme": { "sector": "lithium" }, "join_policy": "closed" }),
            ),
            vec!["join_policy"],
        ),
        (
            create(json!({ "name": " ", "theme": { "sector": "x" }, "join_policy": "x" })),
            vec!["name", "theme.sector", "join_policy"],
        ),
        (
            create(
                json!({ "name": "A", "theme": { "sector": "lithium" }, "join_policy": "open", "x": 1 }),
            ),
            vec![],
        ),
        (
            (
                Method::PUT,
                format!("/v1/communities/{community}/name"),
                m,
                Some(json!({ "name": "a\nb" })),
            ),
            vec!["name"],
        ),
        (
            (
                Method::PUT,
                format!("/v1/communities/{community}/join-policy"),
                m,
                Some(json!({ "join_policy": "" })),
            ),
            vec!["join_policy"],
        ),
        (
            (
                Method::POST,
                format!("/v1/communities/{community}/facilitators"),
                m,
                Some(json!({ "account_id": "ana" })),
            ),
            vec!["account_id"],
        ),
        (
            (
                Method::POST,
                format!(
                    "/v1/communities/{community}/join-requests/{}/decline",
                    w.ana.0.id
                ),
                m,
                Some(json!({ "reason": "" })),
            ),
            vec!["reason"],
        ),
        (
            (
                Method::POST,
                "/v1/communities/not-a-uuid/membership".into(),
                m,
                None,
            ),
            vec!["id"],
        ),
        (
            (Method::GET, "/v1/communities/not-a-uuid".into(), None, None),
            vec!["id"],
        ),
        (
            (
                Method::POST,
                format!("/v1/communities/{community}/join-requests/nobody/acceptance"),
                m,
                None,
            ),
            vec!["account_id"],
        ),
        (
            (
                Method::POST,
                format!("/v1/communities/{community}/threads"),
                m,
                Some(json!({ "title": "", "body": "y".repeat(10_001) })),
            ),
            vec!["title", "body"],
        ),
        (
            (
                Method::POST,
                format!("/v1/threads/{thread}/posts"),
                m,
                Some(json!({ "body": "  " })),
            ),
            vec!["body"],
        ),
        (
            (
                Method::PATCH,
                format!("/v1/threads/{thread}/posts/{opening}"),
                Some(w.ana.1.as_str()),
                Some(json!({ "body": "" })),
            ),
            vec!["body"],
        ),
        (
            (
                Method::POST,
                format!("/v1/threads/{thread}/posts/{opening}/hiding"),
                m,
                Some(json!({ "reason": "" })),
            ),
            vec!["reason"],
        ),
        (
            (
                Method::DELETE,
                format!("/v1/threads/{thread}/posts/nope"),
                m,
                None,
            ),
            vec!["post_id"],
        ),
        (
            (
                Method::DELETE,
                "/v1/threads/nope/posts/nope".into(),
                m,
                None,
            ),
            vec!["id", "post_id"],
        ),
    ];
    for ((method, path, token, body), fields) in cases {
        let answer = w
            .refused(400, (method, &path), token, body.clone(), None)
            .await;
        assert_eq!(answer.fields(), fields, "{path} {body:?}: {}", answer.body);
    }
}

/// A request: method, path, token, body.
type Call<'a> = (Method, String, Option<&'a str>, Option<Value>);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_strangers_and_members_without_the_right_are_refused() {
    let w = World::new().await;
    let (community, thread, opening) = w.community_with_thread().await;
    let c = format!("/v1/communities/{community}");
    let t = format!("/v1/threads/{thread}/posts");
    let body = || Some(json!({ "body": "Hola" }));
    let new_community = json!({ "name": "A", "theme": { "sector": "ict" }, "join_policy": "open" });

    // 401: no token.
    for (method, path, body) in [
        (
            Method::POST,
            "/v1/communities".to_string(),
            Some(new_community.clone()),
        ),
        (Method::POST, format!("{c}/membership"), None),
        (
            Method::POST,
            format!("{c}/threads"),
            Some(json!({ "title": "T", "body": "B" })),
        ),
        (Method::POST, t.clone(), body()),
        (Method::DELETE, format!("{t}/{opening}"), None),
    ] {
        w.refused(401, (method, &path), None, body, None).await;
    }

    // 403: signed in, without the right.
    let (ana, bruno, fabi) = (w.ana.1.as_str(), w.bruno.1.as_str(), w.fabi.1.as_str());
    let ana_id = w.ana.0.id;
    w.ok(Method::POST, &format!("{c}/membership"), &w.bruno.1, None)
        .await;
    w.ok(Method::DELETE, &format!("{c}/membership"), &w.bruno.1, None)
        .await;
    let cases: Vec<(Method, String, &str, Option<Value>)> = vec![
        (
            Method::POST,
            "/v1/communities".into(),
            ana,
            Some(new_community),
        ),
        (
            Method::PUT,
            format!("{c}/name"),
            fabi,
            Some(json!({ "name": "Otro" })),
        ),
        (
            Method::PUT,
            format!("{c}/join-policy"),
            fabi,
            Some(json!({ "join_policy": "moderated" })),
        ),
        (
            Method::POST,
            format!("{c}/facilitators"),
            ana,
            Some(json!({ "account_id": ana_id })),
        ),
        (
            Method::DELETE,
            format!("{c}/facilitators/{}", w.fabi.0.id),
            ana,
            None,
        ),
        (
            Method::POST,
            format!("{c}/join-requests/{ana_id}/acceptance"),
            ana,
            None,
        ),
        (
            Method::POST,
            format!("{c}/join-requests/{ana_id}/decline"),
            ana,
            Some(json!({})),
        ),
        // Bruno left: not a member, so he may neither start a thread nor reply.
        (
            Method::POST,
            format!("{c}/threads"),
            bruno,
            Some(json!({ "title": "T", "body": "B" })),
        ),
        (Method::POST, t.clone(), bruno, body()),
        // Only the author edits or deletes; only facilitators and moderators hide.
        (Method::PATCH, format!("{t}/{opening}"), fabi, body()),
        (
            Method::DELETE,
            format!("{t}/{opening}"),
            w.moderator.as_str(),
            None,
        ),
        (
            Method::POST,
            format!("{t}/{opening}/hiding"),
            ana,
            Some(json!({ "reason": "No" })),
        ),
    ];
    for (method, path, token, body) in cases {
        let answer = w
            .refused(403, (method, &path), Some(token), body, None)
            .await;
        assert_eq!(answer.body["error"]["code"], "forbidden");
    }

    // A facilitator of another community is nobody here.
    let other = w.community("open").await;
    w.ok(
        Method::POST,
        &format!("/v1/communities/{other}/membership"),
        &w.bruno.1,
        None,
    )
    .await;
    let promote = json!({ "account_id": w.bruno.0.id });
    w.ok(
        Method::POST,
        &format!("/v1/communities/{other}/facilitators"),
        &w.moderator,
        Some(promote),
    )
    .await;
    let hide = Some(json!({ "reason": "No" }));
    w.refused(
        403,
        (Method::POST, &format!("{t}/{opening}/hiding")),
        Some(bruno),
        hide,
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_things_conflicts_stale_versions_and_broken_rules_write_nothing() {
    let w = World::new().await;
    let (community, thread, opening) = w.community_with_thread().await;
    let (m, ana, bruno) = (w.moderator.as_str(), w.ana.1.as_str(), w.bruno.1.as_str());
    let c = format!("/v1/communities/{community}");
    let t = format!("/v1/threads/{thread}/posts");
    let nobody = uuid::Uuid::now_v7();

    // 404: no such community, thread or post.
    for (method, path, body) in [
        (
            Method::POST,
            format!("/v1/communities/{nobody}/membership"),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/communities/{nobody}/name"),
            Some(json!({ "name": "X" })),
        ),
        (
            Method::POST,
            format!("/v1/communities/{nobody}/threads"),
            Some(json!({ "title": "T", "body": "B" })),
        ),
        (
            Method::POST,
            format!("/v1/threads/{nobody}/posts"),
            Some(json!({ "body": "B" })),
        ),
        (
            Method::PATCH,
            format!("{t}/{nobody}"),
            Some(json!({ "body": "B" })),
        ),
    ] {
        w.refused(404, (method, &path), Some(m), body, None).await;
    }
    for path in [
        format!("/v1/communities/{nobody}"),
        format!("/v1/threads/{nobody}"),
    ] {
        assert_eq!(w.get(&path, None).await.status, 404);
    }

    // 409 with the current state of the post.
    let reason = || Some(json!({ "reason": "Fuera de tema" }));
    w.ok(Method::POST, &format!("{t}/{opening}/hiding"), m, reason())
        .await;
    let conflict = w
        .refused(
            409,
            (Method::POST, &format!("{t}/{opening}/hiding")),
            Some(m),
            reason(),
            None,
        )
        .await;
    assert_eq!(
        conflict.body["error"]["current"],
        json!({ "post_id": opening, "post_status": "hidden" })
    );
    let conflict = w
        .refused(
            409,
            (Method::PATCH, &format!("{t}/{opening}")),
            Some(ana),
            Some(json!({ "body": "Otra" })),
            None,
        )
        .await;
    assert_eq!(conflict.body["error"]["current"]["post_status"], "hidden");
    w.ok(Method::DELETE, &format!("{t}/{opening}"), ana, None)
        .await;
    let conflict = w
        .refused(
            409,
            (Method::DELETE, &format!("{t}/{opening}/hiding")),
            Some(m),
            None,
            None,
        )
        .await;
    assert_eq!(conflict.body["error"]["current"]["post_status"], "deleted");

    // 412: a version older than the current one; the current one works.
    let read = w.get(&c, None).await;
    assert_eq!(
        read.etag.as_deref(),
        Some("\"4\""),
        "created, two joined, one promoted"
    );
    w.refused(
        412,
        (Method::PUT, &format!("{c}/name")),
        Some(m),
        Some(json!({ "name": "Nuevo" })),
        Some("\"3\""),
    )
    .await;
    let renamed = w
        .call(
            Method::PUT,
            &format!("{c}/name"),
            Some(m),
            Some(json!({ "name": "Nuevo" })),
            read.etag.as_deref(),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let thread_read = w.get(&format!("/v1/threads/{thread}"), None).await;
    w.ok(
        Method::POST,
        &t,
        ana,
        Some(json!({ "body": "Mientras tanto" })),
    )
    .await;
    let stale = thread_read.etag.as_deref();
    w.refused(
        412,
        (Method::POST, &t),
        Some(ana),
        Some(json!({ "body": "Tarde" })),
        stale,
    )
    .await;
    w.refused(
        400,
        (Method::POST, &t),
        Some(ana),
        Some(json!({ "body": "B" })),
        Some("yesterday"),
    )
    .await;

    // 422: broken rules.
    let ana_id = w.ana.0.id;
    let bruno_id = w.bruno.0.id;
    let cases: Vec<(Method, String, &str, Option<Value>)> = vec![
        (Method::POST, format!("{c}/membership"), ana, None),
        (Method::DELETE, format!("{c}/membership"), bruno, None),
        (Method::DELETE, format!("{c}/join-request"), bruno, None),
        (
            Method::POST,
            format!("{c}/join-requests/{bruno_id}/acceptance"),
            m,
            None,
        ),
        (
            Method::POST,
            format!("{c}/join-requests/{bruno_id}/decline"),
            m,
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("{c}/facilitators"),
            m,
            Some(json!({ "account_id": bruno_id })),
        ),
        (
            Method::POST,
            format!("{c}/facilitators"),
            m,
            Some(json!({ "account_id": w.fabi.0.id })),
        ),
        (
            Method::DELETE,
            format!("{c}/facilitators/{ana_id}"),
            m,
            None,
        ),
    ];
    for (method, path, token, body) in cases {
        let answer = w
            .refused(422, (method, &path), Some(token), body, None)
            .await;
        assert_eq!(answer.body["error"]["code"], "unprocessable");
    }
}
