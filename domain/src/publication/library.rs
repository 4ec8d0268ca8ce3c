//! How the knowledge library classifies an item: the language it is written in, what kind of
//! publication it is, and what kind of gathering. Each is optional, because items submitted
//! before the library had them carry none (their events still load: see
//! [`super::PublicationContent`]).

use serde::{Deserialize, Serialize};

/// The language an item is written in: the platform's three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Es,
    Pt,
    En,
}

impl Language {
    pub const ALL: &'static [Language] = &[Self::Es, Self::Pt, Self::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::Pt => "pt",
            Self::En => "en",
        }
    }
}

/// What a publication (a `publication`, not news or a gathering) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    ReportOrStudy,
    GoodPractice,
    MethodologyOrTool,
    TrainingProgramme,
}

impl Topic {
    pub const ALL: &'static [Topic] = &[
        Self::ReportOrStudy,
        Self::GoodPractice,
        Self::MethodologyOrTool,
        Self::TrainingProgramme,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReportOrStudy => "report_or_study",
            Self::GoodPractice => "good_practice",
            Self::MethodologyOrTool => "methodology_or_tool",
            Self::TrainingProgramme => "training_programme",
        }
    }
}

/// What happens at a gathering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatheringFormat {
    Training,
    Workshop,
    Webinar,
    Conference,
    Visit,
}

impl GatheringFormat {
    pub const ALL: &'static [GatheringFormat] = &[
        Self::Training,
        Self::Workshop,
        Self::Webinar,
        Self::Conference,
        Self::Visit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Training => "training",
            Self::Workshop => "workshop",
            Self::Webinar => "webinar",
            Self::Conference => "conference",
            Self::Visit => "visit",
        }
    }
}
