//! Forms: their fields as a template draws them (label, hint, the error beside the field, what
//! was typed), and a use case's refusal turned into those errors in the reader's language.
//!
//! The errors come from the same validation as the API's (`Refusal::Invalid` names each field);
//! the page explains each one with the text `error-<field>` of the reader's language, which says
//! what the field accepts, rather than the domain's English message.

use super::i18n::Tr;
use crate::app::Refusal;

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Input {
    /// The element's id and the name it is posted under.
    pub name: &'static str,
    pub label: String,
    /// `text`, `email`, `password`, `tel`, `number`, or `select` (then `options` are offered).
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub hint: String,
    pub error: String,
    pub required: bool,
    /// `(value, label)` of a `select`.
    pub options: Vec<(String, String)>,
}

impl Input {
    pub fn new(name: &'static str, label: String, kind: &'static str) -> Self {
        Self {
            name,
            label,
            kind,
            value: String::new(),
            autocomplete: "off",
            hint: String::new(),
            error: String::new(),
            required: false,
            options: Vec::new(),
        }
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = hint;
        self
    }

    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn options(mut self, options: Vec<(String, String)>) -> Self {
        self.kind = "select";
        self.options = options;
        self
    }

    pub fn is_select(&self) -> bool {
        self.kind == "select"
    }

    pub fn has_error(&self) -> bool {
        !self.error.is_empty()
    }

    /// The ids of the texts that describe the field, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if !self.error.is_empty() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

impl Default for Input {
    fn default() -> Self {
        Self::new("", String::new(), "text")
    }
}

/// What went wrong with a submitted form: a sentence about the whole form, and errors beside
/// fields.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    pub summary: String,
    /// `(field name, text)`.
    pub fields: Vec<(String, String)>,
}

impl Errors {
    /// An error about the whole form.
    pub fn whole(summary: String) -> Self {
        Self {
            summary,
            fields: Vec::new(),
        }
    }

    /// The errors of an invalid form: each field named by the refusal gets its text; `rename`
    /// maps a field of the use case to the form's own name for it (when they differ).
    pub fn of_invalid(t: &Tr, refusal: &Refusal, rename: &[(&str, &str)]) -> Option<Self> {
        let Refusal::Invalid { fields, .. } = refusal else {
            return None;
        };
        let mut errors = Self {
            summary: t.get("form-has-errors"),
            fields: Vec::new(),
        };
        for field in fields {
            // An item of a list (`sectors[2]`) is shown at the list.
            let field = field.field.split('[').next().unwrap_or_default();
            let name = rename
                .iter()
                .find(|(from, _)| *from == field)
                .map_or(field, |(_, to)| to);
            if errors.fields.iter().any(|(n, _)| n == name) {
                continue;
            }
            let key = format!("error-{}", name.replace(['_', '.'], "-"));
            let text = t.try_get(&key).unwrap_or_else(|| t.get("error-field"));
            errors.fields.push((name.to_owned(), text));
        }
        if fields.is_empty() {
            errors.summary = t.get("error-field");
        }
        Some(errors)
    }

    pub fn is_empty(&self) -> bool {
        self.summary.is_empty() && self.fields.is_empty()
    }

    /// The error beside field `name` (empty when it has none): for fields a template draws
    /// itself, such as one reason field per row of a list.
    pub fn of_field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e.clone())
            .unwrap_or_default()
    }

    /// The error of an invalid reason typed in field `name`.
    pub fn reason(t: &Tr, name: &str) -> Self {
        Self {
            summary: t.get("form-has-errors"),
            fields: vec![(name.to_owned(), t.get("error-collab-reason"))],
        }
    }

    /// Puts each error beside its field; errors of fields the form does not show stay in the
    /// summary's list.
    pub fn place(&self, inputs: &mut [Input]) {
        for input in inputs {
            if let Some((_, text)) = self.fields.iter().find(|(n, _)| n == input.name) {
                input.error = text.clone();
            }
        }
    }
}
