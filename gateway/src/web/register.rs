//! Registering an initiative in the browser: every field of the profile, vocabularies labelled
//! in the reader's language, the location typed as coordinates or (with the page's script)
//! clicked on a small map, the governance mix added up as one types. The server is the judge:
//! the form goes through the same parsing and the same command as `POST /v1/initiatives`
//! (`app::initiatives`), and a refused form comes back with what was typed and each error
//! beside its field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use domain::values::{
    CountryCode, FundingSource, InitiativeId, InitiativeKind, MaturityStage, Sector,
    StrategicFocus, ValueError,
};
use serde::Serialize;

use super::account::see_other;
use super::assets;
use super::form::{Errors, Input};
use super::i18n::{code_of, Tr};
use super::page::{render, Chrome, Problem, Reader, Section};
use super::session::Fields;
use super::Web;
use crate::app::initiatives::{self, GovernanceShares, Location, ProfileFields};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new().route("/initiatives/new", get(page).post(register))
}

/// Checkboxes: `(code, label, checked)`.
pub type Choices = Vec<(String, String, bool)>;

/// A group of checkboxes (a set of codes).
pub struct Checks {
    pub name: &'static str,
    pub legend: String,
    pub hint: String,
    pub error: String,
    /// `(group label, [(code, label, checked)])`; a single group has an empty label.
    pub groups: Vec<(String, Choices)>,
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    t: Tr,
    pub chrome: Chrome,
    /// Where the form is posted, its heading, introduction and button (registering, or a
    /// manager's edit of the profile).
    pub action: String,
    pub heading: String,
    pub intro: String,
    pub submit: String,
    /// The version of the initiative the edit form was filled from (empty when registering).
    pub version: String,
    /// A manager's page: the pending change, confirmation and co-managers (`web::manage`).
    pub manage: Option<super::manage::ManagePanel>,
    pub errors: Errors,
    about: Vec<Input>,
    place: Vec<Input>,
    lat: Input,
    lon: Input,
    sectors: Checks,
    value_chain: Input,
    focus: Checks,
    facilitator: Input,
    shares: Vec<Input>,
    governance_error: String,
    funding: Checks,
    outlines_url: String,
}

/// Where each field the use case names is shown on the form.
pub const PLACES: [(&str, &str); 9] = [
    ("location", "lat"),
    ("location.lat", "lat"),
    ("location.lon", "lon"),
    (
        "governance.facilitating_organization",
        "facilitating_organization",
    ),
    ("governance.private", "private"),
    ("governance.public", "public"),
    ("governance.academia", "academia"),
    ("governance.civil_society", "civil_society"),
    ("governance", "governance"),
];

/// How long the answer waits for the read models to show a registration.
const READ_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

const SHARES: [&str; 4] = ["private", "public", "academia", "civil_society"];

fn options<T: Serialize>(t: &Tr, vocabulary: &str, all: &[T]) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), t.get("register-choose"))];
    options.extend(all.iter().map(|v| (code_of(v), t.label_of(vocabulary, v))));
    options
}

fn checks<T: Serialize>(t: &Tr, vocabulary: &str, all: &[T], chosen: &[String]) -> Choices {
    all.iter()
        .map(|v| {
            let code = code_of(v);
            let on = chosen.contains(&code);
            (code, t.label_of(vocabulary, v), on)
        })
        .collect()
}

/// The frame of a profile form at `path`: the map picker's styles and scripts.
pub fn form_chrome(reader: &Reader, web: &Web, title: String, path: &str) -> Chrome {
    let mut chrome = Chrome::new(reader, &web.site, title, path).private();
    chrome
        .styles
        .insert(0, assets::url("vendor/leaflet/leaflet.css"));
    chrome.scripts.extend([
        assets::url("vendor/leaflet/leaflet.js"),
        assets::url("js/register.js"),
    ]);
    chrome
}

/// The registration form, with what was typed and its errors.
pub fn form(reader: &Reader, web: &Web, typed: &Fields, errors: Errors) -> RegisterPage {
    let t = &reader.t;
    let text = |name: &'static str, key: &str, kind: &'static str| {
        Input::new(name, t.get(key), kind).value(typed.text(name))
    };
    let mut countries: Vec<(String, String)> = CountryCode::all()
        .filter(|c| c.is_latin_america_and_caribbean())
        .map(|c| (c.as_str().to_owned(), t.label("country", c.as_str())))
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    countries.insert(0, (String::new(), t.get("register-choose")));
    let mut about = vec![
        text("name", "field-name", "text").required(),
        text("description", "register-description", "textarea")
            .hint(t.get("register-description-hint")),
        text("kind", "field-kind", "select")
            .options(options(t, "kind", InitiativeKind::ALL))
            .required(),
        text("maturity_stage", "field-maturity", "select")
            .options(options(t, "maturity", MaturityStage::ALL))
            .required(),
        text("founding_year", "field-founding-year", "number").required(),
        text("number_of_firms", "register-firms", "number").required(),
        text("website", "field-website", "url").hint(t.get("register-website-hint")),
    ];
    let mut place = vec![
        text("country", "field-country", "select")
            .options(countries)
            .required(),
        text("region", "field-region", "text")
            .hint(t.get("register-region-hint"))
            .required(),
    ];
    let mut coordinates = vec![
        text("lat", "register-lat", "text")
            .hint(t.get("register-lat-hint"))
            .required(),
        text("lon", "register-lon", "text")
            .hint(t.get("register-lon-hint"))
            .required(),
    ];
    let mut value_chain = [text("value_chain_focus", "field-value-chain", "textarea")];
    let mut facilitator =
        [text("facilitating_organization", "field-facilitator", "text").required()];
    let mut shares: Vec<Input> = SHARES
        .iter()
        .map(|share| {
            let key = format!("governance-{}", share.replace('_', "-"));
            Input::new(share, t.get(&key), "number").value(typed.text(share))
        })
        .collect();
    for inputs in [
        &mut about[..],
        &mut place[..],
        &mut coordinates[..],
        &mut value_chain[..],
        &mut facilitator[..],
        &mut shares[..],
    ] {
        errors.place(inputs);
    }
    let error_of = |name: &str| {
        errors
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    };
    let (broad, driving): (Vec<Sector>, Vec<Sector>) =
        Sector::ALL.iter().partition(|s| !s.is_driving_sector());
    let chosen = typed.all("sectors");
    let sector_checks = |list: &[Sector]| {
        list.iter()
            .map(|s| {
                let code = s.code().to_owned();
                let on = chosen.contains(&code);
                (code, t.label("sector", s.code()), on)
            })
            .collect()
    };
    let [lon, lat] = [coordinates.pop(), coordinates.pop()].map(Option::unwrap_or_default);
    let [value_chain] = value_chain;
    let [facilitator] = facilitator;
    RegisterPage {
        t: t.clone(),
        chrome: form_chrome(reader, web, t.get("register-title"), "/initiatives/new"),
        action: "/initiatives/new".to_owned(),
        heading: t.get("register-heading"),
        intro: t.get("register-intro"),
        submit: t.get("register-submit"),
        version: String::new(),
        manage: None,
        sectors: Checks {
            name: "sectors",
            legend: t.get("field-sectors"),
            hint: t.get("register-sectors-hint"),
            error: error_of("sectors"),
            groups: vec![
                (t.get("sectors-broad"), sector_checks(&broad)),
                (t.get("sectors-driving"), sector_checks(&driving)),
            ],
        },
        focus: Checks {
            name: "strategic_focus",
            legend: t.get("field-strategic-focus"),
            hint: String::new(),
            error: error_of("strategic_focus"),
            groups: vec![(
                String::new(),
                checks(
                    t,
                    "focus",
                    StrategicFocus::ALL,
                    &typed.all("strategic_focus"),
                ),
            )],
        },
        funding: Checks {
            name: "funding_sources",
            legend: t.get("field-funding"),
            hint: String::new(),
            error: error_of("funding_sources"),
            groups: vec![(
                String::new(),
                checks(
                    t,
                    "funding",
                    FundingSource::ALL,
                    &typed.all("funding_sources"),
                ),
            )],
        },
        governance_error: error_of("governance"),
        about,
        place,
        lat,
        lon,
        value_chain,
        facilitator,
        shares,
        errors,
        outlines_url: assets::url("vendor/natural-earth/region.geojson"),
    }
}

async fn page(State(web): State<Web>, reader: Reader) -> Response {
    if reader.actor().is_err() {
        return see_other(&reader, "/sign-in?next=/initiatives/new");
    }
    render(
        StatusCode::OK,
        &form(&reader, &web, &Fields::default(), Errors::default()),
    )
}

/// A number typed into the input `name` (`field` to the use case): `None` when blank, an error
/// when not a number. A decimal comma is read as a point, as people in the region write it.
fn number<T: std::str::FromStr>(
    fields: &Fields,
    name: &str,
    field: &str,
    errors: &mut Vec<ValueError>,
) -> Option<T> {
    let text = fields.text(name);
    if text.is_empty() {
        return None;
    }
    let parsed = text.replace(',', ".").parse::<T>();
    parsed
        .map_err(|_| errors.push(ValueError::new(field, "is not a number")))
        .ok()
}

/// The form's fields as the use case takes them, and the problems found reading numbers.
pub fn profile_fields(fields: &Fields) -> (ProfileFields, Vec<ValueError>) {
    let mut errors = Vec::new();
    let lat = number::<f64>(fields, "lat", "location.lat", &mut errors);
    let lon = number::<f64>(fields, "lon", "location.lon", &mut errors);
    // A share left blank is none of the governing body.
    let share = |name: &str, errors: &mut Vec<ValueError>| {
        let field = format!("governance.{name}");
        number::<i64>(fields, name, &field, errors).unwrap_or(0)
    };
    let governance = GovernanceShares {
        facilitating_organization: fields.text("facilitating_organization"),
        private: share("private", &mut errors),
        public: share("public", &mut errors),
        academia: share("academia", &mut errors),
        civil_society: share("civil_society", &mut errors),
    };
    let profile = ProfileFields {
        name: fields.optional("name"),
        description: fields.optional("description"),
        kind: fields.optional("kind"),
        country: fields.optional("country"),
        region: fields.optional("region"),
        location: lat.zip(lon).map(|(lat, lon)| Location { lat, lon }),
        sectors: Some(fields.all("sectors")).filter(|s| !s.is_empty()),
        value_chain_focus: fields.optional("value_chain_focus"),
        strategic_focus: Some(fields.all("strategic_focus")),
        number_of_firms: number(fields, "number_of_firms", "number_of_firms", &mut errors),
        governance: Some(governance),
        funding_sources: Some(fields.all("funding_sources")),
        maturity_stage: fields.optional("maturity_stage"),
        founding_year: number(fields, "founding_year", "founding_year", &mut errors),
        website: Some(fields.optional("website")),
    };
    (profile, errors)
}

async fn register(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let t = &reader.t;
    let (profile, early) = profile_fields(&fields);
    let refused = |refusal: Refusal| -> Result<Response, Problem> {
        let errors = match &refusal {
            Refusal::Invalid { .. } => Errors::of_invalid(t, &refusal, &PLACES).unwrap_or_default(),
            Refusal::RuleBroken(_) => Errors::whole(t.get("register-rule-broken")),
            _ => return Err(reader.refused(refusal)),
        };
        Ok(render(
            StatusCode::BAD_REQUEST,
            &form(&reader, &web, &fields, errors),
        ))
    };
    let profile = match profile.into_profile(early) {
        Ok(profile) => profile,
        Err(refusal) => return refused(refusal),
    };
    let id = InitiativeId::new();
    let caller = crate::access::Caller::Account(actor.clone());
    let metadata = context.metadata(&caller, "RegisterInitiative");
    match initiatives::register(&web.app, &actor, id, profile, metadata, Some(0)).await {
        Ok(committed) => {
            // The dashboard reads the memberships read model: show it once it holds the write.
            if let Some(at) = committed.last {
                web.app.engine.wait_for(at, READ_WAIT).await;
            }
            Ok(see_other(&reader, &format!("/dashboard?registered={id}")))
        }
        Err(refusal) => refused(refusal),
    }
}
