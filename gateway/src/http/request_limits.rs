//! The limits the domain enforces on request fields, written into the OpenAPI document's request
//! schemas from the domain's own constants (text lengths, vocabularies, numeric ranges, list
//! sizes), so a client generated from the document knows them and the document cannot drift
//! from what the server refuses. Applied to every component schema named `…Request`, by field
//! name: a field name means one kind of value across the API (`title` is always a [`Title`],
//! `sectors` always 1 to 10 sector codes), and `kind` is told apart by the schema it is in.

use domain::community::JoinPolicy;
use domain::joint_project::{ObjectiveRules, MAX_OBJECTIVES};
use domain::publication::PlaceRules;
use domain::thread::PostBodyRules;
use domain::values::{
    CountryCode, DescriptionRules, FirmCount, FoundingYear, FundingSource, InitiativeKind,
    MaturityStage, NameRules, ReasonRules, RegionRules, Sector, Sectors, StrategicFocus, TextRules,
    TitleRules, ValueChainFocusRules, Website,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{ArrayItems, Object, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::Number;

/// What one field accepts.
enum Limit {
    Text {
        min: usize,
        max: usize,
    },
    OneOf(Vec<Value>),
    Range {
        min: f64,
        max: f64,
    },
    /// A list of `min..=max` items, each as the inner limit says.
    List {
        min: usize,
        max: usize,
        each: Box<Limit>,
    },
    Url {
        max: usize,
    },
}

fn text<R: TextRules>() -> Limit {
    Limit::Text {
        min: R::MIN,
        max: R::MAX,
    }
}

/// The wire names of a vocabulary (its serde names, as stored in events).
fn one_of<T: Serialize>(all: impl IntoIterator<Item = T>) -> Limit {
    Limit::OneOf(
        all.into_iter()
            .map(|code| serde_json::to_value(code).expect("a vocabulary code serializes"))
            .collect(),
    )
}

fn list(min: usize, max: usize, each: Limit) -> Limit {
    Limit::List {
        min,
        max,
        each: Box::new(each),
    }
}

/// The limit of `field` in the request schema `schema`, if the domain sets one.
fn limit_of(schema: &str, field: &str) -> Option<Limit> {
    Some(match field {
        "name" | "facilitating_organization" => text::<NameRules>(),
        "title" => text::<TitleRules>(),
        "description" | "summary" => text::<DescriptionRules>(),
        "reason" => text::<ReasonRules>(),
        "region" => text::<RegionRules>(),
        "value_chain_focus" => text::<ValueChainFocusRules>(),
        "body" => text::<PostBodyRules>(),
        "place" => text::<PlaceRules>(),
        "topic" if schema == "ThemeRequest" => text::<NameRules>(),
        "objectives" => list(1, MAX_OBJECTIVES, text::<ObjectiveRules>()),
        "sectors" => list(1, Sectors::MAX, one_of(Sector::ALL)),
        "sector" => one_of(Sector::ALL),
        "strategic_focus" => list(0, StrategicFocus::ALL.len(), one_of(StrategicFocus::ALL)),
        "funding_sources" => list(0, FundingSource::ALL.len(), one_of(FundingSource::ALL)),
        "kind" if schema == "RegisterRequest" || schema == "ProfileChangeRequest" => {
            one_of(InitiativeKind::ALL)
        }
        "maturity_stage" => one_of(MaturityStage::ALL),
        "country" => one_of(CountryCode::all().map(|c| c.as_str())),
        "join_policy" => one_of(JoinPolicy::ALL),
        "lat" => Limit::Range {
            min: -90.0,
            max: 90.0,
        },
        "lon" => Limit::Range {
            min: -180.0,
            max: 180.0,
        },
        "private" | "public" | "academia" | "civil_society" => Limit::Range {
            min: 0.0,
            max: 100.0,
        },
        "number_of_firms" => Limit::Range {
            min: 1.0,
            max: f64::from(FirmCount::MAX),
        },
        "founding_year" => Limit::Range {
            min: f64::from(FoundingYear::EARLIEST),
            max: f64::from(FoundingYear::LATEST),
        },
        "website" | "link" | "online_link" => Limit::Url { max: Website::MAX },
        _ => return None,
    })
}

/// Writes the domain's limits into every request schema of `openapi`.
pub fn document(openapi: &mut OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        if !name.ends_with("Request") {
            continue;
        }
        let RefOr::T(Schema::Object(object)) = schema else {
            continue;
        };
        for (field, property) in object.properties.iter_mut() {
            if let Some(limit) = limit_of(name, field) {
                apply(property, &limit);
            }
        }
    }
}

fn apply(property: &mut RefOr<Schema>, limit: &Limit) {
    match (property, limit) {
        (RefOr::T(Schema::Array(array)), Limit::List { min, max, each }) => {
            array.min_items = Some(*min);
            array.max_items = Some(*max);
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                apply(items, each);
            }
        }
        (RefOr::T(Schema::Object(object)), limit) => apply_to_value(object, limit),
        _ => {}
    }
}

fn apply_to_value(object: &mut Object, limit: &Limit) {
    match limit {
        Limit::Text { min, max } => {
            object.min_length = Some(*min);
            object.max_length = Some(*max);
        }
        Limit::OneOf(codes) => {
            let mut codes = codes.clone();
            // An optional field also takes `null` (it is left out or kept).
            if matches!(&object.schema_type, SchemaType::Array(types) if types.contains(&Type::Null))
            {
                codes.push(Value::Null);
            }
            object.enum_values = Some(codes);
        }
        Limit::Range { min, max } => {
            object.minimum = Some(Number::Float(*min));
            object.maximum = Some(Number::Float(*max));
        }
        Limit::Url { max } => {
            object.format = Some(SchemaFormat::Custom("uri".into()));
            object.max_length = Some(*max);
        }
        Limit::List { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// The document as served, as JSON.
    fn document() -> Value {
        serde_json::to_value(super::super::parts().1).unwrap()
    }

    fn property(doc: &Value, schema: &str, field: &str) -> Value {
        doc["components"]["schemas"][schema]["properties"][field].clone()
    }

    #[test]
    fn request_schemas_carry_the_domains_limits() {
        let doc = document();
        let name = property(&doc, "RegisterRequest", "name");
        assert_eq!(
            (&name["minLength"], &name["maxLength"]),
            (&json!(1), &json!(200))
        );
        let sectors = property(&doc, "ProposalRequest", "sectors");
        assert_eq!(
            (&sectors["minItems"], &sectors["maxItems"]),
            (&json!(1), &json!(10))
        );
        assert!(sectors["items"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("lithium")));
        let kinds = property(&doc, "RegisterRequest", "kind");
        assert_eq!(kinds["enum"].as_array().unwrap().len(), 5, "{kinds}");
        let lat = property(&doc, "LocationRequest", "lat");
        assert_eq!(
            (&lat["minimum"], &lat["maximum"]),
            (&json!(-90), &json!(90))
        );
        let policy = property(&doc, "JoinPolicyRequest", "join_policy");
        assert_eq!(policy["enum"], json!(["open", "moderated"]));
        let body = property(&doc, "PostRequest", "body");
        assert_eq!(body["maxLength"], json!(10_000));
    }

    #[test]
    fn an_optional_field_keeps_null_among_its_values() {
        let doc = document();
        let stage = property(&doc, "ProfileChangeRequest", "maturity_stage");
        let values = stage["enum"].as_array().unwrap();
        assert!(
            values.contains(&Value::Null) && values.contains(&json!("launch")),
            "{stage}"
        );
    }
}
