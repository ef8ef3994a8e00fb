//! Category `syntax`: text the builder rejects or reads differently than it looks.
//!
//! Most of these rules report what the parser recorded in [`Dockerfile::errors`]; the rest
//! repeat the argument checks the builder makes after splitting the lines
//! (`frontend/dockerfile/instructions/parse.go`), which the model does not enforce.

mod empty_continuation_line;
mod flag_missing_value;
mod invalid_json_arguments;
mod invalid_key_value;
mod invalid_parser_directive;
mod line_too_long;
mod missing_arguments;
mod missing_from;
mod no_instructions;
mod unknown_flag;
mod unknown_instruction;
mod unterminated_heredoc;

pub use empty_continuation_line::EmptyContinuationLine;
pub use flag_missing_value::FlagMissingValue;
pub use invalid_json_arguments::InvalidJsonArguments;
pub use invalid_key_value::InvalidKeyValue;
pub use invalid_parser_directive::InvalidParserDirective;
pub use line_too_long::LineTooLong;
pub use missing_arguments::MissingArguments;
pub use missing_from::MissingFrom;
pub use no_instructions::NoInstructions;
pub use unknown_flag::UnknownFlag;
pub use unknown_instruction::UnknownInstruction;
pub use unterminated_heredoc::UnterminatedHeredoc;

use super::RuleEntry;
use crate::model::{
    Arguments, Dockerfile, Instruction, InstructionKind, SyntaxError, SyntaxErrorKind,
};
use crate::text::TextRange;

/// The syntax rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &UnknownInstruction::META,
        new: || Box::new(UnknownInstruction),
    },
    RuleEntry {
        meta: &UnterminatedHeredoc::META,
        new: || Box::new(UnterminatedHeredoc),
    },
    RuleEntry {
        meta: &InvalidJsonArguments::META,
        new: || Box::new(InvalidJsonArguments),
    },
    RuleEntry {
        meta: &MissingFrom::META,
        new: || Box::new(MissingFrom),
    },
    RuleEntry {
        meta: &FlagMissingValue::META,
        new: || Box::new(FlagMissingValue),
    },
    RuleEntry {
        meta: &UnknownFlag::META,
        new: || Box::new(UnknownFlag),
    },
    RuleEntry {
        meta: &MissingArguments::META,
        new: || Box::new(MissingArguments),
    },
    RuleEntry {
        meta: &InvalidParserDirective::META,
        new: || Box::new(InvalidParserDirective),
    },
    RuleEntry {
        meta: &InvalidKeyValue::META,
        new: || Box::new(InvalidKeyValue),
    },
    RuleEntry {
        meta: &NoInstructions::META,
        new: || Box::new(NoInstructions),
    },
    RuleEntry {
        meta: &EmptyContinuationLine::META,
        new: || Box::new(EmptyContinuationLine),
    },
    RuleEntry {
        meta: &LineTooLong::META,
        new: || Box::new(LineTooLong),
    },
];

/// The parser errors of `kinds` that belong to `ins`.
///
/// Errors are recorded per file; an error belongs to the instruction whose text contains
/// it. An `ONBUILD` wrapper owns none: its errors belong to the wrapped instruction, which
/// rules see separately, so each error is reported once.
pub(crate) fn errors_of<'a>(
    file: &'a Dockerfile,
    ins: &Instruction,
    kinds: &[SyntaxErrorKind],
) -> impl Iterator<Item = &'a SyntaxError> {
    let range = ins.range;
    let wrapper = ins.onbuild.is_some();
    let kinds = kinds.to_vec();
    file.errors.iter().filter(move |e| {
        !wrapper
            && kinds.contains(&e.kind)
            && e.range.start >= range.start
            && e.range.end <= range.end
    })
}

/// The source range of an instruction's arguments; its keyword when it has none.
pub(crate) fn arguments_range(ins: &Instruction) -> TextRange {
    match &ins.args {
        Arguments::Shell(s) => s.range,
        Arguments::Exec(items) => match (items.first(), items.last()) {
            (Some(a), Some(b)) => a.range.cover(b.range),
            _ => ins.keyword.range,
        },
        Arguments::None => ins.keyword.range,
    }
}

/// The keyword an instruction kind is known by, upper-case; the word as written for an
/// unknown one.
pub(crate) fn keyword_name(ins: &Instruction) -> String {
    match ins.kind {
        InstructionKind::Unknown => ins.keyword.value.clone(),
        kind => kind.as_str().to_owned(),
    }
}

/// The file's escape character as prose: `` `\` `` or "a backtick".
pub(crate) fn escape_name(file: &Dockerfile) -> String {
    match file.escape {
        '`' => "a backtick".to_owned(),
        c => format!("`{c}`"),
    }
}

/// Optimal string alignment distance (Levenshtein plus swaps of adjacent characters),
/// ignoring ASCII case: `FORM` is one edit from `FROM`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let width = b.len() + 1;
    // Row-major (a.len() + 1) x (b.len() + 1) table.
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * width];
    for (i, cell) in d.iter_mut().step_by(width).enumerate() {
        *cell = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely misspelling: one
/// edit for words of up to five characters, two for longer ones. Ties go to the first.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let max = if word.chars().count() <= 5 { 1 } else { 2 };
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= max)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The instruction keyword closest to `word`, upper-case.
pub(crate) fn closest_keyword(word: &str) -> Option<&'static str> {
    closest(word, InstructionKind::ALL.iter().map(|k| k.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("FORM", "from"), 1);
        assert_eq!(edit_distance("COPPY", "COPY"), 1);
        assert_eq!(edit_distance("rm", "RUN"), 2);
        assert_eq!(edit_distance("", "ARG"), 3);
        assert_eq!(closest_keyword("entrypont"), Some("ENTRYPOINT"));
        assert_eq!(closest_keyword("WORKDIRR"), Some("WORKDIR"));
        assert_eq!(closest_keyword("apt-get"), None);
        assert_eq!(closest_keyword("rm"), None);
    }
}
