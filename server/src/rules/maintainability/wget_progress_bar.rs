//! MA007 `wget-progress-bar`: `wget` that fills the build log with its progress bar.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::Instruction;
use crate::rules::common::{calls, posix_script};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `wget` without an option that quiets its progress output.

## What it does
Flags `wget` called without `--progress=…`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or a log
file (`-o`, `-a`). The fix adds `--progress=dot:giga`.

## Why is this bad?
Without a terminal, `wget` prints a line of dots per few kilobytes: a download of a few
hundred megabytes writes thousands of lines into the build log, which buries the output
that matters and can exceed a CI system's log limit. `--progress=dot:giga` prints one dot
per megabyte; `-nv` prints one line per file.

## Example
```dockerfile
FROM debian:12
RUN wget https://example.com/data.tar.gz
```

Use instead:
```dockerfile
FROM debian:12
RUN wget --progress=dot:giga https://example.com/data.tar.gz
```

## References
- [GNU Wget manual: --progress](https://www.gnu.org/software/wget/manual/wget.html#Download-Options)
- [Best practices: RUN](https://docs.docker.com/build/building/best-practices/#run)
- [hadolint DL3047](https://github.com/hadolint/hadolint/wiki/DL3047)
";

declare_rule! {
    /// `wget` that fills the build log with its progress bar.
    pub struct WgetProgressBar;
    code: "MA007",
    name: "wget-progress-bar",
    category: Maintainability,
    severity: Info,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3047"),
    docs: DOCS,
}

/// Whether a `wget` argument quiets the progress output.
fn quiets(arg: &str) -> bool {
    let long = arg.split_once('=').map_or(arg, |(n, _)| n);
    if matches!(
        long,
        "--progress" | "--quiet" | "--no-verbose" | "--output-file" | "--append-output"
    ) {
        return true;
    }
    if arg == "-nv" {
        return true;
    }
    // Bundled short options: `-qO-`; the letters up to one that takes a value count.
    arg.strip_prefix('-')
        .filter(|rest| !rest.starts_with('-'))
        .is_some_and(|rest| {
            for c in rest.chars() {
                match c {
                    'q' | 'o' | 'a' => return true,
                    'O' | 'P' | 'U' | 'e' | 'i' | 'B' | 't' | 'T' | 'w' | 'Q' | 'l' | 'A' | 'R'
                    | 'D' | 'I' | 'X' => return false,
                    _ => {}
                }
            }
            false
        })
}

impl Rule for WgetProgressBar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        for call in calls(script) {
            if call.name != "wget" || call.arg_values().any(quiets) {
                continue;
            }
            ctx.report(
                &Self::META,
                call.program.range,
                "`wget` without `--progress` writes a line of dots per few kilobytes to the build log",
            )
            .with_help("Add `--progress=dot:giga`, or `-nv`")
            .set_fix(Fix {
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    range: TextRange::empty(call.program.range.end),
                    content: " --progress=dot:giga".to_owned(),
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fixed_and_clean, lines};

    const CODE: &str = "MA007";

    #[test]
    fn noisy_wget_is_flagged_and_fixed() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN wget https://x\nRUN wget -O /x https://x\nRUN wget -c -t 3 u\n"
            ),
            [2, 3, 4]
        );
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM a\nRUN wget -O x.tgz https://x && tar xf x.tgz\n"
            ),
            "FROM a\nRUN wget --progress=dot:giga -O x.tgz https://x && tar xf x.tgz\n"
        );
    }

    #[test]
    fn quiet_wget_is_clean() {
        for text in [
            "FROM a\nRUN wget -q https://x\n",
            "FROM a\nRUN wget -qO- https://x | tar xz\n",
            "FROM a\nRUN wget -nv https://x\n",
            "FROM a\nRUN wget --progress=bar:force https://x\n",
            "FROM a\nRUN wget --no-verbose https://x\n",
            "FROM a\nRUN wget -o /dev/null https://x\n",
            "FROM a\nRUN curl -O https://x\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
