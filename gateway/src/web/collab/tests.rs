//! Every text these pages compose from a code (states, answers, history, reasons, topics,
//! formats, kinds, notices) exists: the shared i18n test only sees literal keys.

use domain::joint_project::{InvitationState, JointProjectEvent, ProjectStatus};
use domain::publication::{GatheringFormat, Topic};
use domain::values::Language;
use projections::ReasonKind;

use super::super::i18n::{code_of, Tr};

fn composed() -> Vec<String> {
    let mut keys = Vec::new();
    let states =
        std::iter::once(ProjectStatus::NotProposed).chain(ProjectStatus::ALL.iter().copied());
    keys.extend(states.map(|s| format!("collab-project-state-{}", s.as_str())));
    for answer in [
        InvitationState::Invited,
        InvitationState::Accepted,
        InvitationState::Declined,
    ] {
        keys.push(format!("collab-invitation-{}", answer.as_str()));
    }
    keys.extend(
        JointProjectEvent::TYPES
            .iter()
            .map(|t| format!("collab-history-{t}")),
    );
    keys.extend(
        ReasonKind::ALL
            .iter()
            .map(|k| format!("collab-reason-{}", k.code().replace('_', "-"))),
    );
    keys.extend(
        Topic::ALL
            .iter()
            .map(|v| format!("collab-topic-{}", code_of(v).replace('_', "-"))),
    );
    keys.extend(
        GatheringFormat::ALL
            .iter()
            .map(|v| format!("collab-format-{}", code_of(v).replace('_', "-"))),
    );
    keys.extend(
        super::library::KINDS
            .iter()
            .map(|k| format!("collab-kind-{k}")),
    );
    for done in super::projects::DONE {
        keys.push(format!("collab-project-done-{done}"));
    }
    for done in super::communities::DONE {
        keys.push(format!("collab-community-done-{done}"));
    }
    for done in super::threads::DONE {
        keys.push(format!("collab-thread-done-{done}"));
    }
    for role in ["member", "facilitator"] {
        keys.push(format!("collab-standing-{role}"));
    }
    for field in [
        "jp-lead",
        "jp-title",
        "jp-description",
        "jp-sectors",
        "jp-objectives",
        "th-title",
        "th-body",
        "item-kind",
        "item-title",
        "item-summary",
        "item-link",
        "item-language",
        "item-topic",
        "item-format",
        "item-starts",
        "item-ends",
        "item-time-zone",
        "item-place",
        "item-online-link",
    ] {
        keys.push(format!("error-{field}"));
    }
    keys
}

#[test]
fn every_composed_text_exists_in_every_language() {
    for language in Language::ALL {
        let t = Tr::new(language);
        let missing: Vec<String> = composed()
            .into_iter()
            .filter(|k| t.try_get(k).is_none())
            .collect();
        assert!(missing.is_empty(), "missing in {language:?}: {missing:?}");
    }
}
