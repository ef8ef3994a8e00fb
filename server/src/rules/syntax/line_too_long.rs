//! SY012 `line-too-long`: a physical line of 64 KiB or more, which BuildKit refuses.

use crate::declare_rule;
use crate::model::SyntaxErrorKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for lines of 64 KiB or more, which BuildKit cannot read.

## What it does
Flags the first physical line whose length, line break included, reaches 65,536 bytes.

## Why is this bad?
BuildKit reads a Dockerfile line by line with a fixed 64 KiB buffer and fails with
`dockerfile line greater than max allowed size of 65535`. Such lines are usually generated:
an inlined script, certificate or base64 blob.

## Example
A generated `RUN echo <70,000 characters of base64> | base64 -d > /app.bin` on one line.

```dockerfile
FROM alpine
RUN echo 'a very long generated line…'
```

Use instead:
```dockerfile
FROM alpine
COPY app.bin /app.bin
```

The example is shortened: the rule fires only on a real 64 KiB line.
<!-- example: illustrative -->

## References
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
";

declare_rule! {
    /// A physical line BuildKit's scanner cannot hold.
    pub struct LineTooLong;
    code: "SY012",
    name: "line-too-long",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for LineTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        for error in file
            .errors
            .iter()
            .filter(|e| e.kind == SyntaxErrorKind::LineTooLong)
        {
            ctx.report(&Self::META, error.range, error.message.clone())
                .help = Some(
                "Move the content into a file and `COPY` it, or split the line with `\\`"
                    .to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::lines;

    #[test]
    fn sixty_four_kib_is_too_long() {
        let long = format!("FROM a\nRUN echo {}\nRUN ok\n", "x".repeat(70_000));
        assert_eq!(lines("SY012", &long), [2]);
        // 65,535 bytes with the line break still fit.
        let fits = format!("FROM a\nRUN {}\n", "x".repeat(65_535 - 5));
        assert_eq!(lines("SY012", &fits), [] as [u32; 0]);
        let split = format!(
            "FROM a\nRUN echo {} \\\n  {}\n",
            "x".repeat(40_000),
            "y".repeat(40_000)
        );
        assert_eq!(lines("SY012", &split), [] as [u32; 0]);
    }
}
