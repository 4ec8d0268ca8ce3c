//! Helpers for the end-to-end tests in `tests/`: a real server on a free port, with a client,
//! and the people who use it (members, managers, moderators, auditors, admins).

use std::time::Duration;

use domain::account::Authority;
use domain::actor::{Actor, Role};
use domain::initiative::{Initiative, InitiativeCommand, Profile};
use domain::values::{AccountId, DisplayName, EmailAddress, InitiativeId};
use gateway::state::AppState;
use gateway::{Application, Settings};
use reqwest::Method;
use serde_json::{json, Value};
use store::testing::TestPostgres;
use store::EventMetadata;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The server's own state, for arranging what HTTP cannot (an administrator, a token).
    pub state: AppState,
}

/// A test database and the server on it; the database is dropped with this value.
pub struct PostgresApp {
    pub app: TestApp,
    pub db: TestPostgres,
}

/// An account made for a test, with what its holder knows.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: AccountId,
    pub email: String,
    pub password: String,
}

/// A password that passes every rule.
pub const PASSWORD: &str = "correct horse battery staple";

/// Settings for tests: limits high enough not to trip unless a test means to.
pub fn test_settings(database_url: Option<String>) -> Settings {
    Settings {
        database_url,
        // Without an SMTP host, notification mail goes to `.eml` files under the data directory:
        // keep them out of the source tree.
        data_dir: std::env::temp_dir().join(format!("articula-e2e-{}", std::process::id())),
        sign_in_per_address_per_minute: 10_000,
        sign_in_per_account_and_address_per_hour: 10_000,
        sign_in_per_account_per_hour: 10_000,
        sign_ups_per_address_per_hour: 10_000,
        sign_ups_per_email_per_hour: 10_000,
        writes_per_account_per_minute: 10_000,
        ..Settings::default()
    }
}

/// Builds the application as `articula serve` does (port 0: a free one) and serves it in the
/// background for the rest of the test.
pub async fn spawn_app(settings: Settings) -> TestApp {
    let app = Application::build(&Settings {
        port: 0,
        ..settings
    })
    .await
    .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: reqwest::Client::new(),
        state,
    }
}

/// A server on a fresh PostgreSQL database, with the test limits.
pub async fn spawn_on_postgres() -> PostgresApp {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    PostgresApp { app, db }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(Method::GET, path, None, None).await
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    /// Waits until `/ready` answers 200 (projections catch up at start) and returns its body.
    pub async fn wait_ready(&self) -> Value {
        for _ in 0..100 {
            let response = self.get("/ready").await;
            if response.status() == 200 {
                return response.json().await.expect("a JSON body");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let last = self.get("/ready").await.text().await.unwrap_or_default();
        panic!("the server never became ready: {last}");
    }

    /// Signs a new person up over HTTP and confirms the address as the person would: with the
    /// secret of the mail the sign-up sent (read from the outbox) and the password.
    pub async fn sign_up(&self, name: &str) -> Person {
        let email = format!(
            "{}.{}@example.org",
            name.to_lowercase(),
            uuid::Uuid::new_v4().simple()
        );
        self.sign_up_with(json!({ "email": email, "display_name": name, "password": PASSWORD }))
            .await
    }

    /// Signs up with `body` (which holds `email` and `password`) and confirms the address.
    pub async fn sign_up_with(&self, body: Value) -> Person {
        let email = body["email"].as_str().expect("an email").to_string();
        let password = body["password"].as_str().expect("a password").to_string();
        let response = self
            .request(Method::POST, "/v1/accounts", None, Some(body))
            .await;
        assert_eq!(response.status(), 202, "sign-up of {email}");
        let (id, secret) = self.confirmation_mail(&email).await;
        let confirmed = self
            .request(
                Method::POST,
                "/v1/accounts/confirmation",
                None,
                Some(json!({ "account_id": id, "secret": secret, "password": password })),
            )
            .await;
        assert_eq!(confirmed.status(), 200, "confirmation of {email}");
        Person {
            id,
            email,
            password,
        }
    }

    /// The account signed up with `email` and the secret of its confirmation mail, once the
    /// sign-up (which goes on after its answer) has written them.
    pub async fn confirmation_mail(&self, email: &str) -> (AccountId, String) {
        let address = EmailAddress::new(email).expect("a valid email");
        let outbox = store::notifications::Notifications::new(self.state.log.database());
        for _ in 0..500 {
            if let Some(id) = self.state.accounts.find_by_email(&address).await.unwrap() {
                let mail = outbox
                    .latest_for(&id.to_string(), "confirm_address")
                    .await
                    .unwrap();
                if let Some(mail) = mail {
                    let secret = mail
                        .body_text
                        .lines()
                        .find_map(|line| line.strip_prefix("secret: "))
                        .expect("the mail holds the secret")
                        .to_string();
                    return (id, secret);
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no confirmation mail for {email}");
    }

    /// Signs in over HTTP and returns the bearer token.
    pub async fn sign_in(&self, person: &Person) -> String {
        let response = self
            .request(
                Method::POST,
                "/v1/sessions",
                None,
                Some(json!({ "email": person.email, "password": person.password })),
            )
            .await;
        assert_eq!(response.status(), 201, "sign-in of {}", person.email);
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// A fresh token for `account`, issued directly (no password check: arranging, not testing).
    pub async fn token_for(&self, account: AccountId) -> String {
        let (token, _) = self
            .state
            .accounts
            .sessions()
            .issue(account, chrono::Duration::hours(1))
            .await
            .unwrap();
        token.expose().to_string()
    }

    /// Grants `role` as the operator's CLI would.
    pub async fn grant(&self, account: AccountId, role: Role) {
        self.state
            .accounts
            .change_role(
                account,
                role,
                true,
                Authority::System("test".into()),
                &EventMetadata::system("test", "GrantRole"),
            )
            .await
            .expect("role granted");
    }

    /// A signed-up person holding `role`.
    pub async fn person_with(&self, name: &str, role: Role) -> Person {
        let person = self.sign_up(name).await;
        self.grant(person.id, role).await;
        person
    }

    /// An administrator made as `articula admin create` does, activated over HTTP.
    pub async fn admin(&self) -> Person {
        let email = format!("admin.{}@example.org", uuid::Uuid::new_v4().simple());
        let invitation = self
            .state
            .accounts
            .invite_admin(
                &EmailAddress::new(&email).unwrap(),
                &DisplayName::new("Admin").unwrap(),
                "test",
            )
            .await
            .expect("admin invited");
        let response = self
            .request(
                Method::POST,
                "/v1/accounts/activation",
                None,
                Some(json!({
                    "account_id": invitation.account,
                    "secret": invitation.secret.expose(),
                    "password": PASSWORD,
                })),
            )
            .await;
        assert_eq!(response.status(), 200, "activation");
        Person {
            id: invitation.account,
            email,
            password: PASSWORD.to_string(),
        }
    }

    /// The global position of the newest event (0 when the log is empty): equal before and
    /// after a request means it wrote nothing.
    pub async fn head(&self) -> i64 {
        self.state.log.feed().head_position().await.unwrap()
    }

    /// An approved initiative with `manager` as its manager.
    pub async fn initiative_managed_by(&self, manager: AccountId, name: &str) -> InitiativeId {
        let bus = self.state.log.commands::<Initiative>(());
        let id = InitiativeId::new();
        let mut profile = sample_profile();
        profile.name = domain::values::Name::new(name).unwrap();
        let now = chrono::Utc::now();
        let meta = EventMetadata::system("test", "Register");
        bus.execute(
            &id.to_string(),
            InitiativeCommand::Register {
                id,
                profile,
                actor: Actor::member(manager),
                at: now,
            },
            meta.clone(),
        )
        .await
        .expect("registered");
        bus.execute(
            &id.to_string(),
            InitiativeCommand::Approve {
                actor: Actor::moderator(AccountId::new()),
                at: now,
            },
            meta,
        )
        .await
        .expect("approved");
        id
    }
}

/// A complete, valid initiative profile.
/// The value of the sample `name` in a Prometheus text exposition (`/metrics`), or 0 if absent.
pub fn metric_sample(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

pub fn sample_profile() -> Profile {
    use domain::values::*;
    Profile {
        name: Name::new("Clúster del Litio de Antofagasta").unwrap(),
        description: Description::new("Articula proveedores de la cadena del litio.").unwrap(),
        kind: InitiativeKind::ClusterInitiative,
        country: CountryCode::new("CL").unwrap(),
        region: Region::new("Antofagasta").unwrap(),
        location: GeoPoint::new(-23.6509, -70.3975).unwrap(),
        sectors: Sectors::new(vec![Sector::Lithium, Sector::Mining]).unwrap(),
        value_chain_focus: ValueChainFocus::new("Proveedores de servicios mineros").unwrap(),
        strategic_focus: [StrategicFocus::ProductiveLinkages].into_iter().collect(),
        number_of_firms: FirmCount::new(85).unwrap(),
        governance: Governance::new("Corporación Regional", 50, 25, 20, 5).unwrap(),
        funding_sources: [FundingSource::MemberFees].into_iter().collect(),
        maturity_stage: MaturityStage::Construction,
        founding_year: FoundingYear::new(2016).unwrap(),
        website: None,
    }
}

/// The body of `POST /v1/initiatives` for a complete, valid initiative named `name` (a mining
/// and lithium cluster in Antofagasta, Chile).
pub fn initiative_json(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Proveedores de la minería del cobre y del litio.",
        "kind": "cluster_initiative",
        "country": "CL",
        "region": "Antofagasta",
        "location": { "lat": -23.6509, "lon": -70.3975 },
        "sectors": ["mining", "lithium"],
        "value_chain_focus": "Servicios a la minería",
        "strategic_focus": ["innovation"],
        "number_of_firms": 120,
        "governance": {
            "facilitating_organization": "Asociación de Industriales",
            "private": 50, "public": 30, "academia": 15, "civil_society": 5
        },
        "funding_sources": ["member_fees"],
        "maturity_stage": "consolidation",
        "founding_year": 2005
    })
}
