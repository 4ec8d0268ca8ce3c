//! Property tests shared by every kind of bounded text (`Text<R>`), and their use for the kinds
//! declared in `values`. Other modules run the same properties on their own kinds
//! (`PostBody`, `Objective`, `Place`) through [`text_properties!`].
//!
//! What is checked, for arbitrary input: what the constructor accepts is trimmed, in NFC, within
//! `R::MIN..=R::MAX` characters, free of control, text-direction and other invisible characters
//! (line breaks and tabs only in multi-line kinds, `\r\n` stored as `\n`), and round-trips
//! through serde; serde (reading history) accepts everything the constructor does, and refuses
//! what the rules of stored text refuse, under the kind's field name; nothing panics.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use unicode_normalization::UnicodeNormalization;

use super::{Text, TextRules};

/// A text as typed (`input`) and as it must be stored (`stored`).
#[derive(Debug, Clone)]
pub(crate) struct Typed {
    pub input: String,
    pub stored: String,
}

/// Characters beyond ASCII letters and digits that no kind refuses.
const VISIBLE: &[char] = &[
    'á', 'É', 'ñ', 'ç', 'õ', 'ß', 'ø', 'Ł', 'ж', 'λ', '中', '日', 'ا', 'ש', '€', '¿', '¡', '.',
    ',', ';', '-', '\'', '"', '(', ')', '&', '/', '#', '@', '😀', '·',
];

/// Whitespace that surrounds a text and is trimmed away, whatever the kind (trimming happens
/// before line breaks are looked at).
const PADDING: &[&str] = &[
    " ", "\t", "\n", "\r\n", "\u{A0}", "\u{3000}", "\u{85}", "\u{2003}",
];

/// Text-direction overrides and isolates ("Trojan Source").
const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

pub(crate) fn visible() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('0', '9'),
        2 => proptest::sample::select(VISIBLE),
    ]
}

fn padding() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PADDING), 0..4).prop_map(|v| v.concat())
}

/// Accepted text of `R`: its length favours both bounds; inner separators are spaces, and in
/// multi-line kinds also line breaks (typed as `\n` or `\r\n`) and tabs.
pub(crate) fn valid_text<R: TextRules>() -> impl Strategy<Value = Typed> {
    let (min, max) = (R::MIN.max(1), R::MAX);
    let len = prop_oneof![Just(min), Just(max), min..=max, min..=max.min(min + 20)];
    let seps: &'static [&'static str] = if R::MULTILINE {
        &[" ", "\n", "\r\n", "\t"]
    } else {
        &[" "]
    };
    len.prop_flat_map(move |n| {
        (
            visible_chars(n),
            proptest::collection::vec(
                (1..n.max(2), proptest::sample::select(seps)),
                0..=(n / 3).min(60),
            ),
            padding(),
            padding(),
        )
    })
    .prop_map(|(chars, seps, before, after)| {
        let mut typed: Vec<String> = chars.iter().map(char::to_string).collect();
        for (pos, sep) in seps {
            if pos + 1 < typed.len() {
                typed[pos] = sep.to_string();
            }
        }
        let body = typed.concat();
        Typed {
            input: format!("{before}{body}{after}"),
            stored: body.replace("\r\n", "\n"),
        }
    })
}

/// `n` visible characters. Long texts repeat a random run of up to 64 characters, which keeps
/// generating 10 000-character texts cheap.
pub(crate) fn visible_chars(n: usize) -> impl Strategy<Value = Vec<char>> {
    proptest::collection::vec(visible(), n.clamp(1, 64))
        .prop_map(move |run| run.into_iter().cycle().take(n).collect())
}

/// One to five visible characters: fits inside every kind.
pub(crate) fn short() -> impl Strategy<Value = String> {
    proptest::collection::vec(visible(), 1..=5).prop_map(String::from_iter)
}

/// Visible text one to thirty characters longer than `R` allows.
pub(crate) fn too_long<R: TextRules>() -> impl Strategy<Value = String> {
    (R::MAX + 1..=R::MAX + 30)
        .prop_flat_map(visible_chars)
        .prop_map(String::from_iter)
}

/// A control character that `R` refuses inside a text.
pub(crate) fn forbidden_control<R: TextRules>() -> impl Strategy<Value = char> {
    let refused: Vec<char> = (0u32..0x20)
        .chain(0x7f..=0x9f)
        .filter_map(char::from_u32)
        .filter(|c| !(R::MULTILINE && (*c == '\n' || *c == '\t')))
        .collect();
    proptest::sample::select(refused)
}

pub(crate) fn bidi() -> impl Strategy<Value = char> {
    proptest::sample::select(BIDI)
}

/// Invisible characters that no kind lets a person type: zero-width space, word joiner, byte
/// order mark, soft hyphen, Arabic letter mark, line and paragraph separators, private use.
const INVISIBLE: &[char] = &[
    '\u{200B}',
    '\u{2060}',
    '\u{FEFF}',
    '\u{AD}',
    '\u{61C}',
    '\u{2028}',
    '\u{2029}',
    '\u{E000}',
    '\u{F8FF}',
    '\u{E0001}',
];

/// An invisible character that `R` refuses when typed: the zero-width joiner and non-joiner
/// only in single-line kinds (emoji sequences and some scripts need them in running text).
pub(crate) fn invisible<R: TextRules>() -> impl Strategy<Value = char> {
    let joiners: &[char] = if R::MULTILINE {
        &[]
    } else {
        &['\u{200C}', '\u{200D}']
    };
    let refused: Vec<char> = INVISIBLE.iter().chain(joiners).copied().collect();
    proptest::sample::select(refused)
}

/// Letters typed decomposed (a base letter and a combining mark) and how NFC composes them.
pub(crate) const DECOMPOSED: &[(&str, &str)] = &[
    ("e\u{301}", "é"),
    ("a\u{303}", "ã"),
    ("n\u{303}", "ñ"),
    ("c\u{327}", "ç"),
    ("A\u{301}", "Á"),
];

/// Arbitrary strings, biased towards the characters the rules are about.
pub(crate) fn garbage() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        2 => any::<char>(),
        2 => visible(),
        1 => proptest::char::range('\0', '\u{9f}'),
        1 => proptest::sample::select(BIDI),
        1 => proptest::sample::select(INVISIBLE),
        1 => proptest::sample::select(&['\u{200C}', '\u{200D}', '\u{301}', '\u{303}'][..]),
        1 => proptest::sample::select(&[' ', '\r', '\n', '\t', '\u{A0}', '\u{85}'][..]),
    ];
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(c, 0..80).prop_map(String::from_iter)
    ]
}

/// Arbitrary JSON-looking input, for deserialisers that must refuse without panicking.
pub(crate) fn json_garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\[\\]{}\":,0-9a-z\\\\. eE+-]{0,40}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        garbage().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
    ]
}

/// What any text of `R` read from history must look like.
pub(crate) fn check_stored_invariants<R: TextRules>(t: &Text<R>) -> Result<(), TestCaseError> {
    let s = t.as_str();
    let len = s.chars().count();
    prop_assert!((R::MIN..=R::MAX).contains(&len), "{len} characters: {s:?}");
    prop_assert_eq!(s.trim(), s, "not trimmed");
    prop_assert!(!s.contains('\r'), "stored with a carriage return: {:?}", s);
    for c in s.chars() {
        let allowed = R::MULTILINE && (c == '\n' || c == '\t');
        prop_assert!(!c.is_control() || allowed, "U+{:04X} in {:?}", c as u32, s);
        prop_assert!(!BIDI.contains(&c), "direction character in {:?}", s);
    }
    Ok(())
}

/// What any text of `R` a person typed must look like, and that it reads back as itself.
pub(crate) fn check_invariants<R: TextRules>(t: &Text<R>) -> Result<(), TestCaseError> {
    check_stored_invariants(t)?;
    let s = t.as_str();
    prop_assert_eq!(s.nfc().collect::<String>(), s, "not in NFC");
    for c in s.chars() {
        prop_assert!(
            !super::text::is_invisible(c, R::MULTILINE),
            "invisible U+{:04X} in {:?}",
            c as u32,
            s
        );
    }
    prop_assert_eq!(&Text::<R>::new(s).expect("accepts what it stored"), t);
    let json = serde_json::to_string(t).expect("serialises");
    prop_assert_eq!(
        &serde_json::from_str::<Text<R>>(&json).expect("reads it back"),
        t
    );
    Ok(())
}

pub(crate) fn check_accepted<R: TextRules>(t: &Typed) -> Result<(), TestCaseError> {
    let text = Text::<R>::new(&t.input).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(text.as_str(), t.stored.as_str());
    let json = serde_json::to_string(&t.input).expect("a string serialises");
    prop_assert_eq!(
        &serde_json::from_str::<Text<R>>(&json).expect("serde accepts it"),
        &text
    );
    check_invariants(&text)
}

/// `raw` is refused by the constructor (with `R`'s field and a message holding `mentions`)
/// and by serde.
pub(crate) fn check_refused<R: TextRules>(raw: &str, mentions: &str) -> Result<(), TestCaseError> {
    let err = match Text::<R>::new(raw) {
        Ok(t) => return Err(TestCaseError::fail(format!("{t:?} was accepted"))),
        Err(err) => err,
    };
    prop_assert_eq!(err.field.as_str(), R::FIELD);
    prop_assert!(
        err.message.contains(mentions),
        "{:?} lacks {mentions:?}",
        err.message
    );
    let json = serde_json::to_string(raw).expect("a string serialises");
    prop_assert!(
        serde_json::from_str::<Text<R>>(&json).is_err(),
        "serde accepted {raw:?}"
    );
    Ok(())
}

/// `raw` is refused when typed (with `R`'s field and a message holding `mentions`), yet read
/// from history, where the rules of its day let it in.
pub(crate) fn check_refused_when_typed<R: TextRules>(
    raw: &str,
    mentions: &str,
) -> Result<(), TestCaseError> {
    let err = match Text::<R>::new(raw) {
        Ok(t) => return Err(TestCaseError::fail(format!("{t:?} was accepted"))),
        Err(err) => err,
    };
    prop_assert_eq!(err.field.as_str(), R::FIELD);
    prop_assert!(
        err.message.contains(mentions),
        "{:?} lacks {mentions:?}",
        err.message
    );
    let json = serde_json::to_string(raw).expect("a string serialises");
    let read = serde_json::from_str::<Text<R>>(&json).expect("history still reads it");
    check_stored_invariants(&read)
}

/// Serde (history) accepts whatever the constructor (typing) accepts, the same text once in
/// NFC; both refuse under the kind's field name; accepted values are well-formed.
pub(crate) fn check_any<R: TextRules>(raw: &str) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(raw).expect("a string serialises");
    match (Text::<R>::new(raw), serde_json::from_str::<Text<R>>(&json)) {
        (Ok(made), Ok(read)) => {
            prop_assert_eq!(made.as_str(), read.as_str().nfc().collect::<String>());
            check_stored_invariants(&read)?;
            check_invariants(&made)
        }
        (Err(err), Ok(read)) => {
            prop_assert_eq!(err.field.as_str(), R::FIELD);
            check_stored_invariants(&read)
        }
        (Err(err), Err(_)) => {
            prop_assert_eq!(err.field.as_str(), R::FIELD);
            Ok(())
        }
        (Ok(made), Err(read)) => Err(TestCaseError::fail(format!(
            "typing accepts {made:?} but history would refuse it ({read}) for {raw:?}"
        ))),
    }
}

/// What the message for a control character refused by `R` must mention: line breaks and tabs
/// in a single-line kind are named as such, other characters as invisible control characters.
/// A carriage return in a multi-line kind is only checked for its field (see
/// `a_carriage_return_in_a_multi_line_text_is_not_called_a_line_break`).
pub(crate) fn control_message<R: TextRules>(c: char) -> &'static str {
    match c {
        '\r' if R::MULTILINE => "",
        '\n' | '\r' | '\t' => "single line",
        _ => "control character",
    }
}

/// Runs the shared properties on one kind, in a module named `$module`; `$rules` is a path
/// from the crate root (`crate::thread::PostBodyRules`).
macro_rules! text_properties {
    ($module:ident, $rules:ty) => {
        mod $module {
            use $crate::values::text_tests as props;
            use $crate::values::{Text, TextRules};
            use proptest::prelude::*;

            type R = $rules;

            proptest! {
                #[test]
                fn typed_text_is_stored_trimmed_and_round_trips(t in props::valid_text::<R>()) {
                    props::check_accepted::<R>(&t)?;
                }

                #[test]
                fn over_long_text_is_refused(s in props::too_long::<R>()) {
                    props::check_refused::<R>(&s, &format!("at most {}", <R as TextRules>::MAX))?;
                }

                #[test]
                fn control_characters_inside_are_refused(a in props::short(), c in props::forbidden_control::<R>(), b in props::short()) {
                    let msg = props::control_message::<R>(c);
                    props::check_refused::<R>(&format!("{a}{c}{b}"), msg)?;
                }

                #[test]
                fn direction_characters_are_refused(a in props::short(), c in props::bidi(), b in props::short()) {
                    props::check_refused::<R>(&format!("{a}{c}{b}"), "text-direction")?;
                }

                #[test]
                fn invisible_characters_are_refused_when_typed(a in props::short(), c in props::invisible::<R>(), b in props::short()) {
                    props::check_refused_when_typed::<R>(&format!("{a}{c}{b}"), &format!("U+{:04X}", c as u32))?;
                }

                #[test]
                fn decomposed_letters_are_stored_composed(a in props::short(), pick in 0..props::DECOMPOSED.len(), b in props::short()) {
                    let (typed, composed) = props::DECOMPOSED[pick];
                    let text = Text::<R>::new(format!("{a}{typed}{b}")).unwrap();
                    prop_assert_eq!(text.as_str(), format!("{a}{composed}{b}"));
                }

                #[test]
                fn blank_text_is_empty_or_refused(pad in "[ \t\u{A0}\u{3000}]{0,6}") {
                    if <R as TextRules>::MIN == 0 {
                        prop_assert!(Text::<R>::new(&pad).unwrap().is_empty());
                    } else {
                        props::check_refused::<R>(&pad, "must not be empty")?;
                    }
                }

                #[test]
                fn constructor_and_serde_agree_on_anything(raw in props::garbage()) {
                    props::check_any::<R>(&raw)?;
                }

                #[test]
                fn garbage_json_never_panics(json in props::json_garbage()) {
                    if let Ok(t) = serde_json::from_str::<Text<R>>(&json) {
                        props::check_stored_invariants(&t)?;
                    }
                }
            }
        }
    };
}
pub(crate) use text_properties;

text_properties!(name, crate::values::NameRules);
text_properties!(title, crate::values::TitleRules);
text_properties!(description, crate::values::DescriptionRules);
text_properties!(reason, crate::values::ReasonRules);
text_properties!(region, crate::values::RegionRules);
text_properties!(value_chain_focus, crate::values::ValueChainFocusRules);
text_properties!(display_name, crate::values::DisplayNameRules);

/// A lone carriage return in a multi-line text is refused, but not with "must be a single line:
/// remove line breaks and tabs", which would be wrong advice for a kind that keeps line breaks.
#[test]
fn a_carriage_return_in_a_multi_line_text_is_not_called_a_line_break() {
    let err = super::Description::new("Primera línea\rsegunda línea").unwrap_err();
    assert_eq!(err.field, "description");
    assert!(
        !err.message.contains("single line"),
        "a description may have line breaks, yet: {}",
        err.message
    );
}

/// `is_invisible` answers every character below U+0600 without the category tables; this is
/// what the tables say of each of them.
#[test]
fn the_shortcut_below_arabic_agrees_with_the_categories() {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    for c in (0..0x600u32).filter_map(char::from_u32) {
        let by_category = matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
                | GeneralCategory::PrivateUse
        );
        for multiline in [false, true] {
            assert_eq!(
                super::text::is_invisible(c, multiline),
                by_category,
                "U+{:04X}",
                c as u32
            );
        }
    }
    assert!(
        super::text::is_invisible('\u{AD}', false),
        "the soft hyphen"
    );
}

/// Text already composed is stored as typed, and text that is not is composed, whichever way
/// the quick check answers.
#[test]
fn composed_text_is_kept_and_decomposed_text_composed() {
    for (typed, stored) in [
        ("Clúster del Biobío", "Clúster del Biobío"),
        ("Clu\u{301}ster del Biobi\u{301}o", "Clúster del Biobío"),
        ("Sa\u{303}o Paulo", "São Paulo"),
        ("Plain ASCII name", "Plain ASCII name"),
        // Hangul jamo: the quick check answers "maybe"; composed to one syllable.
        ("\u{1100}\u{1161}", "\u{AC00}"),
    ] {
        assert_eq!(super::Name::new(typed).unwrap().as_str(), stored);
    }
}
