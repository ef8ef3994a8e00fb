//! What the label rules share: the `labels` option (label name → value schema) and the
//! checks of each schema.

use std::collections::BTreeMap;

use crate::layers::Base;
use crate::model::{Dockerfile, InstructionKind};
use crate::rules::maintainability::key_value::{Pair, pairs};
use crate::rules::{Context, OptionError};

/// What a label's value must look like (`[rules.options.missing-label] labels = { … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schema {
    Text,
    Url,
    Email,
    Semver,
    Rfc3339,
    Hash,
    Spdx,
    GitHash,
}

impl Schema {
    pub(crate) const NAMES: [&'static str; 8] = [
        "text", "url", "email", "semver", "rfc3339", "hash", "spdx", "git-hash",
    ];

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "text" => Self::Text,
            "url" => Self::Url,
            "email" => Self::Email,
            "semver" => Self::Semver,
            "rfc3339" => Self::Rfc3339,
            "hash" => Self::Hash,
            "spdx" => Self::Spdx,
            "git-hash" => Self::GitHash,
            _ => return None,
        })
    }

    /// What a valid value is, for messages.
    pub(crate) const fn describe(self) -> &'static str {
        match self {
            Self::Text => "a non-empty text",
            Self::Url => "a URL",
            Self::Email => "an email address",
            Self::Semver => "a semantic version",
            Self::Rfc3339 => "an RFC 3339 date and time",
            Self::Hash => "a hash",
            Self::Spdx => "an SPDX license expression",
            Self::GitHash => "a Git commit hash",
        }
    }

    /// Whether `value` (no variables in it) fits.
    pub(crate) fn accepts(self, value: &str) -> bool {
        let hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
        match self {
            Self::Text => !value.trim().is_empty(),
            Self::Url => value.split_once("://").is_some_and(|(scheme, rest)| {
                scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    && !rest.is_empty()
                    && !rest.starts_with('/')
                    && !value.chars().any(char::is_whitespace)
            }),
            Self::Email => value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value
                        .chars()
                        .any(|c| c.is_whitespace() || c == '<' || c == '>')
                    && !domain.contains('@')
            }),
            Self::Semver => semver(value),
            Self::Rfc3339 => rfc3339(value),
            Self::Hash => {
                let digest = value.split_once(':').map_or(value, |(_, d)| d);
                hex(digest) && digest.len() >= 7
            }
            Self::Spdx => spdx(value),
            Self::GitHash => hex(value) && (value.len() == 40 || (7..=12).contains(&value.len())),
        }
    }
}

/// `MAJOR.MINOR.PATCH[-pre][+build]`, numbers without leading zeros (semver 2.0).
fn semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let number = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident = |s: &str| {
        !s.is_empty()
            && s.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| number(p))
        && pre.is_none_or(ident)
        && build.is_none_or(ident)
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut rest = &value[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.chars().take_while(char::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let number = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|n| n <= max);
    let (month, day) = (&value[5..7], &value[8..10]);
    let date_ok = number(month, 12) && month != "00" && number(day, 31) && day != "00";
    let time_ok =
        number(&value[11..13], 23) && number(&value[14..16], 59) && number(&value[17..19], 60);
    let zone_ok = matches!(rest, "Z" | "z")
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && number(&rest[1..3], 23)
            && number(&rest[4..6], 59));
    date_ok && time_ok && zone_ok
}

/// An SPDX license expression: identifiers (`MIT`, `Apache-2.0`, `LicenseRef-x`, with an
/// optional `+`) joined by `AND`, `OR`, `WITH`, in parentheses or not. The identifiers are
/// checked for their shape, not against the SPDX list.
fn spdx(value: &str) -> bool {
    let spaced = value.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut depth = 0i32;
    let mut expect_id = true;
    for t in &tokens {
        match *t {
            "(" if expect_id => depth += 1,
            ")" if !expect_id => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            "AND" | "OR" | "WITH" if !expect_id => expect_id = true,
            id if expect_id => {
                let id = id.strip_suffix('+').unwrap_or(id);
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
                {
                    return false;
                }
                expect_id = false;
            }
            _ => return false,
        }
    }
    !tokens.is_empty() && depth == 0 && !expect_id
}

/// Parse the `labels` option: a table of label name → schema name.
pub(crate) fn parse_labels(
    key: &str,
    value: &toml::Value,
) -> Result<BTreeMap<String, Schema>, OptionError> {
    let error = |message: String| OptionError {
        key: Some(key.to_owned()),
        message,
    };
    let table = value.as_table().ok_or_else(|| {
        error(format!(
            "expected a table of label name = schema, found {value}"
        ))
    })?;
    table
        .iter()
        .map(|(name, schema)| {
            let schema_name = schema.as_str().unwrap_or_default();
            let schema = Schema::parse(schema_name).ok_or_else(|| {
                error(format!(
                    "label `{name}`: unknown schema {schema}; expected one of: {}",
                    Schema::NAMES.join(", ")
                ))
            })?;
            Ok((name.clone(), schema))
        })
        .collect()
}

/// The `LABEL` pairs the final image gets: those of the last stage and of the stages it is
/// built `FROM`, in build order.
pub(crate) fn final_image_labels(ctx: &Context<'_>) -> Vec<Pair> {
    let file: &Dockerfile = ctx.file;
    let Some(mut stage) = file.stages.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut chain = vec![stage];
    // Bounded: a stage can only be built on an earlier one.
    while let Some(&Base::Stage(base)) = ctx.analysis().stages.get(stage).map(|s| &s.base) {
        if base >= stage {
            break;
        }
        stage = base;
        chain.push(base);
    }
    chain
        .iter()
        .rev()
        .flat_map(|&s| file.stage_instructions(&file.stages[s]))
        .filter(|i| i.kind == InstructionKind::Label)
        .flat_map(|i| pairs(i, file.escape))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Schema;

    #[test]
    fn schemas_accept_and_refuse() {
        let cases: &[(Schema, &[&str], &[&str])] = &[
            (Schema::Text, &["x"], &["", "  "]),
            (
                Schema::Url,
                &["https://example.com/x", "git+ssh://host/r"],
                &["example.com", "https://", "http:///x", "a b://c"],
            ),
            (
                Schema::Email,
                &["a@b.io", "a.b+c@d.e.f"],
                &["a", "a@b", "Jane <a@b.c>", "@b.c"],
            ),
            (
                Schema::Semver,
                &["1.2.3", "0.0.0-rc.1+build.5", "10.20.30"],
                &["1.2", "v1.2.3", "01.2.3", "1.2.3-"],
            ),
            (
                Schema::Rfc3339,
                &["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123+02:00"],
                &["2024-01-02", "2024-13-02T03:04:05Z", "2024-01-02T03:04:05"],
            ),
            (
                Schema::Hash,
                &["sha256:abcdef0123", "abcdef0"],
                &["xyz", "abc"],
            ),
            (
                Schema::Spdx,
                &[
                    "MIT",
                    "Apache-2.0 OR MIT",
                    "(GPL-2.0+ WITH Classpath-exception-2.0) AND BSD-3-Clause",
                ],
                &["", "MIT OR", "MIT/Apache", "(MIT", "MIT AND AND BSD"],
            ),
            (
                Schema::GitHash,
                &["0123abc", "0123456789abcdef0123456789abcdef01234567"],
                &[
                    "012345",
                    "0123456789abcdef0123456789abcdef0123456",
                    "xyzxyzx",
                ],
            ),
        ];
        for (schema, good, bad) in cases {
            for v in *good {
                assert!(schema.accepts(v), "{schema:?} should accept {v:?}");
            }
            for v in *bad {
                assert!(!schema.accepts(v), "{schema:?} should refuse {v:?}");
            }
        }
    }
}
