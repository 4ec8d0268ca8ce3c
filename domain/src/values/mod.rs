//! Value types: parse, don't validate.
//!
//! Every type here can only be built through a constructor that checks it, and deserialises
//! through the same constructor, so an aggregate that holds a `Name` or a `GeoPoint` never has to
//! check it again, and a stored event that somehow holds an invalid value fails loudly on replay
//! instead of spreading. Errors are [`ValueError`]s naming the field and what to change.

mod complementarity;
mod countries;
mod error;
mod geo;
pub mod ids;
mod personal;
mod profile;
mod sealed;
mod sector;
mod text;
pub mod time;
mod website;

#[cfg(test)]
mod serde_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod text_tests;

pub use complementarity::{are_complementary, COMPLEMENTARY_PAIRS};
pub use error::ValueError;
pub use geo::{CountryCode, GeoPoint};
pub use ids::{
    AccountId, CommunityId, InitiativeId, JointProjectId, PostId, PublicationId, ThreadId,
};
pub use personal::{DisplayName, DisplayNameRules, EmailAddress, Language, Password, Phone};
pub use profile::{
    FirmCount, FoundingYear, FundingSource, Governance, InitiativeKind, MaturityStage,
    StrategicFocus,
};
pub use sealed::{EmailDigest, Sealed};
pub use sector::{Lang, Sector, Sectors};
pub use text::{
    Description, DescriptionRules, Name, NameRules, Reason, ReasonRules, Region, RegionRules, Text,
    TextRules, Title, TitleRules, ValueChainFocus, ValueChainFocusRules,
};
pub use website::Website;
