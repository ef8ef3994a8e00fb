//! MA008 `wget-and-curl`: a stage that downloads with both `wget` and `curl`.

use crate::diagnostic::{Category, Severity};
use crate::model::Instruction;
use crate::model::SourceMap;
use crate::rules::common::{calls, posix_script};
use crate::rules::{Context, FixAvailability, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r#"Checks for stages that use both `wget` and `curl`.

## What it does
Flags the uses of `wget` in a stage whose RUNs also use `curl` (or of `curl`, when it is
used less often than `wget`), pointing at the first use of the other tool.

Uses inside command substitutions count too, also in assignments
(`VERSION=$(curl -s https://example.com/latest)`, `export VERSION="$(curl ...)"`).

## Why is this bad?
The two tools do the same job here. Using both means installing, and keeping up to date,
two HTTP clients with their libraries, where one would do; it also makes the download
steps of the file inconsistent with each other. Pick one (`curl` is in most base images).

## Example
```dockerfile
FROM debian:12
RUN curl -fsSLO https://example.com/a.tar.gz
RUN wget -q https://example.com/b.tar.gz
```

Use instead:
```dockerfile
FROM debian:12
RUN curl -fsSLO https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```

## References
- [Best practices: minimize the number of packages](https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages)
- [hadolint DL4001](https://github.com/hadolint/hadolint/wiki/DL4001)
"#;

/// A stage that downloads with both tools; keeps the uses seen, per stage.
#[derive(Debug, Default)]
pub struct WgetAndCurl {
    /// `(stage, tool, program word)` in source order.
    uses: Vec<(Option<usize>, &'static str, TextRange)>,
}

impl WgetAndCurl {
    pub const META: RuleMeta = RuleMeta {
        code: "MA008",
        name: "wget-and-curl",
        category: Category::Maintainability,
        severity: Severity::Info,
        fix: FixAvailability::None,
        since: "0.1.0",
        upstream: Some("hadolint: DL4001"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

fn tool(name: &str) -> Option<&'static str> {
    match name {
        "wget" => Some("wget"),
        "curl" => Some("curl"),
        _ => None,
    }
}

/// The download tools run by the command substitutions (`$(...)`) of `value`.
fn substituted_tools(value: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("$(") {
        let inner = &rest[start + 2..];
        let mut depth = 1;
        let end = inner.char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        });
        let Some(end) = end else {
            break;
        };
        let script = crate::shell::parse(&inner[..end], &SourceMap::default());
        out.extend(script.commands.iter().filter_map(|c| tool(c.program()?)));
        rest = &inner[end + 1..];
    }
    out
}

impl Rule for WgetAndCurl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        let calls = calls(script);
        for call in calls {
            if let Some(tool) = tool(&call.name) {
                self.uses.push((ins.stage, tool, call.program.range));
            }
        }
        // `V=$(curl ...) make`: the script's commands may not include those of an
        // assignment's value, so read them here unless they are there.
        for command in &script.commands {
            for word in command.env.iter().filter(|w| w.value.contains("$(")) {
                let inside = |r: TextRange| word.range.start <= r.start && r.end <= word.range.end;
                if calls.iter().any(|c| inside(c.program.range)) {
                    continue;
                }
                for tool in substituted_tools(&word.value) {
                    self.uses.push((ins.stage, tool, word.range));
                }
            }
        }
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let mut stages: Vec<Option<usize>> = self.uses.iter().map(|u| u.0).collect();
        stages.dedup();
        for stage in stages {
            let uses: Vec<_> = self.uses.iter().filter(|u| u.0 == stage).collect();
            let count = |tool: &str| uses.iter().filter(|u| u.1 == tool).count();
            let (wget, curl) = (count("wget"), count("curl"));
            if wget == 0 || curl == 0 {
                continue;
            }
            let (odd, other) = if wget <= curl {
                ("wget", "curl")
            } else {
                ("curl", "wget")
            };
            let Some(first_other) = uses.iter().find(|u| u.1 == other) else {
                continue;
            };
            for u in uses.iter().filter(|u| u.1 == odd) {
                ctx.report(
                    &Self::META,
                    u.2,
                    format!("`{odd}` in a stage that also uses `{other}`"),
                )
                .with_help(format!("Use `{other}` for every download of the stage"))
                .with_related(first_other.2, format!("`{other}` used here"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA008";

    #[test]
    fn the_less_used_tool_is_flagged_per_stage() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN curl -O u && curl -O v\nRUN wget -q w\n"),
            [(
                3,
                "wget".to_owned(),
                "`wget` in a stage that also uses `curl`".to_owned()
            )]
        );
        assert_eq!(lines(CODE, "FROM a\nRUN wget u && wget v && curl w\n"), [2]);
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN wget -q u && V=$(curl -s w) make && wget -q v\n"
            )
            .into_iter()
            .map(|(_, s, _)| s)
            .collect::<Vec<_>>(),
            ["V=$(curl -s w)"]
        );
        // A use in an assignment's command substitution counts: without it, no stage
        // here would use both tools.
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN V=$(curl -s https://x/latest | jq -r .tag) && wget -q \"https://x/$V\"\n\
                 RUN export W=\"$(curl -fsS u)\" && wget -q v\n"
            )
            .into_iter()
            .map(|(l, s, _)| (l, s))
            .collect::<Vec<_>>(),
            [(2, "wget".to_owned()), (3, "wget".to_owned())]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a AS build\nRUN curl -O u\nFROM b\nRUN wget -q v\n"
            ),
            [] as [u32; 0]
        );
    }
}
