//! Bounded free text: one generic type, a marker per use.
//!
//! `Text<R>` holds a trimmed string in Unicode Normalization Form C (so that `é` typed as one
//! character or as `e` + a combining accent is the same text), whose length (in Unicode
//! characters, which is what a person counts) lies in `R::MIN..=R::MAX`. Single-line texts
//! (names, titles, regions) refuse line breaks and every invisible character: controls, format
//! characters (general category Cf: zero-width spaces and joiners, the byte order mark,
//! text-direction marks), line and paragraph separators (Zl, Zp) and private-use characters.
//! Multi-line texts (descriptions, reasons) keep `\n` and `\t`, have `\r\n` normalised to `\n`,
//! and refuse the same invisible characters except the zero-width joiner and non-joiner, which
//! emoji sequences and some scripts need inside running text.
//!
//! Stored events are read with the rules that held when they were written ([`Text::stored`]):
//! tightening what a person may type must never make the history unreadable.
//!
//! The rules are associated consts of a marker type rather than const generics so that each alias
//! (`Name`, `Description`...) carries its own field name into error messages.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::ValueError;

/// The limits of one kind of text.
pub trait TextRules {
    /// Field name used in error messages.
    const FIELD: &'static str;
    /// Fewest characters after trimming (0 allows an empty text).
    const MIN: usize;
    /// Most characters after trimming.
    const MAX: usize;
    /// Whether line breaks and tabs are allowed.
    const MULTILINE: bool;
}

/// Validated text; see the module documentation.
pub struct Text<R: TextRules> {
    value: String,
    // `fn() -> R` keeps `Text` Send + Sync + Unpin whatever `R` is; `R` is never stored.
    _rules: PhantomData<fn() -> R>,
}

/// Whether `c` is invisible (or changes how the text around it is shown) and may not be typed
/// into a text with these rules. Controls and text-direction characters are left to the stored
/// rules, which name them better.
pub(crate) fn is_invisible(c: char, multiline: bool) -> bool {
    // No character below U+0600 but the soft hyphen is a format character, a separator or for
    // private use (test `the_shortcut_below_arabic_agrees_with_the_categories`): Latin text,
    // accents and all, is answered without a lookup in the category tables.
    if c < '\u{0600}' && c != '\u{AD}' {
        return false;
    }
    if is_direction_character(c) {
        return false;
    }
    match c.general_category() {
        GeneralCategory::Format => !(multiline && matches!(c, '\u{200C}' | '\u{200D}')),
        GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator
        | GeneralCategory::PrivateUse => true,
        _ => false,
    }
}

/// Bidirectional overrides and isolates.
fn is_direction_character(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl<R: TextRules> Text<R> {
    /// Checks `raw` as typed by a person and returns the normalised text, or says what to
    /// change.
    pub fn new(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        let raw = raw.as_ref();
        // Text already in NFC (all ASCII is, and most typed text proves it by a quick check) is
        // copied as it is rather than decomposed and composed again.
        let normalised: String = match is_nfc_quick(raw.chars()) {
            IsNormalized::Yes => raw.to_owned(),
            IsNormalized::No | IsNormalized::Maybe => raw.nfc().collect(),
        };
        if let Some((pos, c)) = normalised
            .chars()
            .enumerate()
            .find(|(_, c)| is_invisible(*c, R::MULTILINE))
        {
            let what = match c {
                '\u{2028}' | '\u{2029}' if R::MULTILINE => {
                    "a Unicode line or paragraph separator; end lines with a line feed (\\n)"
                }
                '\u{2028}' | '\u{2029}' => "a line or paragraph separator: it must be one line",
                _ => "an invisible character",
            };
            return Err(ValueError::new(
                R::FIELD,
                format!(
                    "contains {what} (U+{:04X}) at position {}; remove it",
                    c as u32,
                    pos + 1
                ),
            ));
        }
        Self::stored_string(normalised)
    }

    /// Checks `raw` with the rules every stored text has always met (trimmed, no controls, no
    /// text-direction overrides, within the length limits), as events are read back.
    pub fn stored(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        Self::stored_string(raw.as_ref().to_owned())
    }

    /// [`Self::stored`] of an owned string, which is kept when it needs no change: every event
    /// and snapshot read goes through here, most texts in them are plain, and a restore at
    /// 100,000 initiatives reads hundreds of thousands of them.
    pub(crate) fn stored_string(raw: String) -> Result<Self, ValueError> {
        let mut value = if raw.contains('\r') {
            raw.replace("\r\n", "\n")
        } else {
            raw
        };
        let trimmed = value.trim();
        if trimmed.len() != value.len() {
            value = trimmed.to_owned();
        }
        let err = |msg: String| Err(ValueError::new(R::FIELD, msg));
        let refused_control =
            |c: char| c.is_control() && !(R::MULTILINE && (c == '\n' || c == '\t'));
        // One pass for the first refused control, the first text-direction character and the
        // length; plain ASCII (most text) has no direction characters and a char per byte.
        let (first_control, direction, len) = if value.is_ascii() {
            let first_control = value
                .bytes()
                .map(char::from)
                .enumerate()
                .find(|(_, c)| refused_control(*c));
            (first_control, None, value.len())
        } else {
            let (mut first_control, mut direction, mut len) = (None, None, 0);
            for c in value.chars() {
                if first_control.is_none() && refused_control(c) {
                    first_control = Some((len, c));
                }
                if direction.is_none() && is_direction_character(c) {
                    direction = Some(c);
                }
                len += 1;
            }
            (first_control, direction, len)
        };
        if let Some((pos, c)) = first_control {
            return if !R::MULTILINE && (c == '\n' || c == '\r' || c == '\t') {
                err("must be a single line: remove line breaks and tabs".into())
            } else if c == '\r' {
                err(format!(
                    "contains a lone carriage return at position {}; end lines with a line \
                     feed (\\n) instead",
                    pos + 1
                ))
            } else {
                err(format!(
                    "contains an invisible control character (U+{:04X}) at position {}; remove it",
                    c as u32,
                    pos + 1
                ))
            };
        }
        // Bidirectional overrides and isolates make text display in a different order than it
        // is stored (the "Trojan Source" trick), which lets a name impersonate another.
        if let Some(c) = direction {
            return err(format!(
                "contains an invisible text-direction character (U+{:04X}); remove it",
                c as u32
            ));
        }
        if len < R::MIN {
            return if len == 0 {
                err("must not be empty".into())
            } else {
                err(format!(
                    "must be at least {} characters long (it has {len})",
                    R::MIN
                ))
            };
        }
        if len > R::MAX {
            return err(format!(
                "must be at most {} characters long (it has {len}); shorten it",
                R::MAX
            ));
        }
        Ok(Self {
            value,
            _rules: PhantomData,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn into_string(self) -> String {
        self.value
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}

// Manual impls: derives would demand `R: Clone`, `R: PartialEq`... of the marker type.
impl<R: TextRules> Clone for Text<R> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            _rules: PhantomData,
        }
    }
}
impl<R: TextRules> PartialEq for Text<R> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<R: TextRules> Eq for Text<R> {}
impl<R: TextRules> PartialOrd for Text<R> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<R: TextRules> Ord for Text<R> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}
impl<R: TextRules> Hash for Text<R> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}
impl<R: TextRules> fmt::Debug for Text<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}
impl<R: TextRules> fmt::Display for Text<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}
impl<R: TextRules> AsRef<str> for Text<R> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}
impl<R: TextRules> TryFrom<String> for Text<R> {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl<R: TextRules> TryFrom<&str> for Text<R> {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl<R: TextRules> From<Text<R>> for String {
    fn from(t: Text<R>) -> String {
        t.value
    }
}
impl<R: TextRules> Serialize for Text<R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}
impl<'de, R: TextRules> Deserialize<'de> for Text<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::stored_string(raw).map_err(serde::de::Error::custom)
    }
}

macro_rules! text_kind {
    ($(#[$doc:meta])* $alias:ident, $rules:ident, $field:literal, $min:literal ..= $max:literal, $multi:literal) => {
        #[doc = concat!("Limits of [`", stringify!($alias), "`].")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $rules {}
        impl TextRules for $rules {
            const FIELD: &'static str = $field;
            const MIN: usize = $min;
            const MAX: usize = $max;
            const MULTILINE: bool = $multi;
        }
        $(#[$doc])*
        pub type $alias = Text<$rules>;
    };
}

text_kind!(
    /// The name of an initiative, community or organisation: 1 to 200 characters, one line.
    Name, NameRules, "name", 1..=200, false
);
text_kind!(
    /// A title (of a thread, project or publication): 1 to 200 characters, one line.
    Title, TitleRules, "title", 1..=200, false
);
text_kind!(
    /// A longer description: up to 5000 characters, may be empty, line breaks allowed.
    Description, DescriptionRules, "description", 0..=5000, true
);
text_kind!(
    /// Why a moderator or manager decided something: 1 to 1000 characters, line breaks allowed.
    /// Required wherever a decision affects someone else, so that they can act on it.
    Reason, ReasonRules, "reason", 1..=1000, true
);
text_kind!(
    /// A subnational region (state, province, department, municipality): 1 to 120 characters.
    /// Free text because no single code list covers every country's subdivisions at the level
    /// initiatives use.
    Region, RegionRules, "region", 1..=120, false
);
text_kind!(
    /// What part of which value chain an initiative works on: up to 1000 characters.
    ValueChainFocus, ValueChainFocusRules, "value_chain_focus", 0..=1000, true
);
