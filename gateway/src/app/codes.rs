//! Reading the domain's enumerations from their codes (their serde names, such as `lithium` or
//! `good_practice`): one rule for every filter and request field, with an error that lists the
//! codes to send instead.

use domain::values::ValueError;
use serde::Serialize;

/// The member of `all` whose code is `code`; the error, in `field`, names `what` was expected
/// and lists every code.
pub fn parse<T: Copy + Serialize>(
    field: &str,
    code: &str,
    all: &[T],
    what: &str,
) -> Result<T, ValueError> {
    all.iter()
        .copied()
        .find(|v| code_of(v) == code)
        .ok_or_else(|| {
            let codes: Vec<String> = all.iter().map(code_of).collect();
            ValueError::new(
                field,
                format!("`{code}` is not {what}; use one of: {}", codes.join(", ")),
            )
        })
}

/// The code of `value`: its serde name.
pub fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}
