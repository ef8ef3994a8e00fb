//! MA021 `unused-suppression`: a `# dlint ignore=` code that suppressed nothing.
//!
//! The finding comes from the lint pipeline (`crate::lint`), which applies suppressions
//! after every rule has run; this rule only carries the metadata, so that it can be
//! selected, ignored and given a severity like any other. Its fix (removing the code, or
//! the comment) is built there too (`crate::suppress::removal_edit`).

use crate::declare_rule;
use crate::rules::{Rule, RuleMeta};

const DOCS: &str = r"Checks for `# dlint ignore=` codes that suppress nothing.

## What it does
Flags each code of a `# dlint ignore=…` or `# dlint global ignore=…` comment that
suppressed no finding in this run, and codes that name no dlint rule. The comment of an
instruction applies only when nothing but comments separates it from the instruction, so a
comment left above a blank line is reported too. `# hadolint ignore=` and BuildKit's
`# check=skip=` are left alone: they are also read by other tools. ShellCheck codes
(`SC2086`, `shellcheck`) are reported only when ShellCheck ran on the file (`[shellcheck]
enabled`): otherwise nothing could have used them.

The fix removes the code and its comma from the comment, or the whole comment line (its
`-- reason` too) when no code stays. It is safe: the code suppressed nothing.

## Why is this bad?
A suppression outlives the problem it hid: after the instruction is fixed, the comment still
switches the rule off for that line, and the next real finding there goes unseen. A
misspelt code suppresses nothing while looking as if it does.

## Example
<!-- example: illustrative -->
```dockerfile
FROM alpine:3.20
# dlint ignore=SZ003
RUN apk add --no-cache curl
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## References
- [Dockerfile reference: parser directives](https://docs.docker.com/reference/dockerfile/#parser-directives)
- [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
";

declare_rule! {
    /// A `# dlint ignore=` code that suppressed nothing.
    pub struct UnusedSuppression;
    code: "MA021",
    name: "unused-suppression",
    category: Maintainability,
    severity: Info,
    fix: Always,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
}
