//! Category `style`: consistency — casing, formatting.
//!
//! The builder reads keywords and stage names in any case; these rules keep one spelling
//! per file so that it reads as one piece, and their fixes never change what is built.

mod consistent_instruction_casing;
mod from_as_casing;
mod invalid_definition_description;
mod stage_name_casing;

pub use consistent_instruction_casing::ConsistentInstructionCasing;
pub use from_as_casing::FromAsCasing;
pub use invalid_definition_description::InvalidDefinitionDescription;
pub use stage_name_casing::StageNameCasing;

use super::RuleEntry;

/// The style rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &ConsistentInstructionCasing::META,
        new: || Box::new(ConsistentInstructionCasing::default()),
    },
    RuleEntry {
        meta: &FromAsCasing::META,
        new: || Box::new(FromAsCasing),
    },
    RuleEntry {
        meta: &StageNameCasing::META,
        new: || Box::new(StageNameCasing),
    },
    RuleEntry {
        meta: &InvalidDefinitionDescription::META,
        new: || Box::new(InvalidDefinitionDescription),
    },
];
