//! MA022 `cd-in-run`: `cd` in a RUN where `WORKDIR` is meant.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{calls, posix_script, trim_dir_end};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Command;

const DOCS: &str = r#"Checks for `cd` in RUN instructions where `WORKDIR` is meant.

## What it does
Flags the first `cd` of a RUN that changes to a directory for the rest of the script: a
top-level `cd /app && make`, and a `cd` at the end of a RUN, which does nothing at all.

Differences from hadolint DL3003: hadolint flags every `cd`. dlint leaves alone the ones
`WORKDIR` cannot replace:
- a `cd` inside a subshell `( cd sub && make )`, a loop, a condition, a function or a
  script given as a string (`sh -c 'cd "$1" && make'`): it is scoped to that part;
- a `cd` back: `cd -`, `cd ..`, `cd /`, `cd` and `cd ~`;
- a `cd` to a temporary directory (`/tmp/...`, `/var/tmp`, `$(mktemp -d)`, a variable
  named like `$TMPDIR`) or to a directory the same RUN removes, and a relative `cd` from
  there (`cd /tmp && tar -xf app.tgz && cd app-1.0`): `WORKDIR` would create it for good
  and make it the working directory of every later instruction.

```dockerfile
FROM debian:12
# hadolint DL3003 here; dlint: fine, /usr/src/app is removed at the end
RUN mkdir /usr/src/app && cd /usr/src/app && ./configure && make install \
    && cd / && rm -rf /usr/src/app
```

## Why is this bad?
A `cd` lasts until the end of its RUN only, so the next RUN starts in the `WORKDIR` again;
RUNs full of `cd` are hard to follow and easy to get wrong when they are split or
reordered. `WORKDIR` sets the directory for every later instruction, creates it if needed,
and shows up in the image's configuration.

## Example
```dockerfile
FROM golang:1.22
COPY . /src
RUN cd /src && go build -o /bin/app .
```

Use instead:
```dockerfile
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /bin/app .
```

## References
- [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
- [Best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
- [hadolint DL3003](https://github.com/hadolint/hadolint/wiki/DL3003)
"#;

declare_rule! {
    /// `cd` in a RUN where `WORKDIR` is meant.
    pub struct CdInRun;
    code: "MA022",
    name: "cd-in-run",
    category: Maintainability,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3003"),
    docs: DOCS,
}

/// The directory a `cd` changes to; `None` for `cd` alone (home) and `cd -`.
fn target(cd: &Command) -> Option<&str> {
    let mut args = cd.arg_values();
    let t = args.find(|a| !matches!(*a, "-P" | "-L" | "-e" | "-@" | "--"))?;
    (t != "-").then_some(t)
}

/// Whether `cd target` goes back somewhere (`..`, `/`, home) rather than into the
/// directory the work is done in.
fn goes_back(target: &str) -> bool {
    target == "/"
        || target.split('/').all(|s| matches!(s, ".." | "." | ""))
        || target.starts_with('~')
        || ["$HOME", "${HOME}", "$OLDPWD", "${OLDPWD}"]
            .iter()
            .any(|p| target.starts_with(p))
}

/// Whether `target` is a temporary directory: under `/tmp` or `/var/tmp`, made by
/// `mktemp`, or held in a variable named like one (`$TMPDIR`, `${tmp_dir}`).
fn temporary(target: &str) -> bool {
    let t = trim_dir_end(target);
    if t == "/tmp" || t.starts_with("/tmp/") || t == "/var/tmp" || t.starts_with("/var/tmp/") {
        return true;
    }
    if t.contains("mktemp") {
        return true;
    }
    t.strip_prefix('$').is_some_and(|v| {
        let name: String = v
            .trim_start_matches('{')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase();
        name.contains("tmp") || name.contains("temp")
    })
}

/// Whether `rm` operand `removed` deletes `target` (itself, a parent, or a glob that
/// matches it: `/src/app-*`).
fn removes(removed: &str, target: &str) -> bool {
    let (r, t) = (trim_dir_end(removed), trim_dir_end(target));
    if let Some(i) = r.find('*') {
        return i > 0 && t.starts_with(&r[..i]);
    }
    t == r || (t.starts_with(r) && t[r.len()..].starts_with('/'))
}

impl Rule for CdInRun {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        let cmds = &script.commands;
        let mut removed: Option<Vec<String>> = None;
        // Whether an earlier `cd` went into a temporary directory: a relative `cd` then
        // stays inside it (`cd /tmp && tar -xf x.tgz && cd x-1.0`).
        let mut in_temporary = false;
        for (i, cd) in cmds.iter().enumerate() {
            if cd.depth != 0 || cd.program() != Some("cd") {
                continue;
            }
            let (Some(name), Some(dir)) = (&cd.name, target(cd)) else {
                continue;
            };
            if goes_back(dir) {
                in_temporary = false;
                continue;
            }
            let relative = !dir.starts_with(['/', '$', '~']);
            if temporary(dir) || (relative && in_temporary) {
                in_temporary = true;
                continue;
            }
            let removed = removed.get_or_insert_with(|| {
                calls(script)
                    .iter()
                    .filter(|c| c.name == "rm")
                    .flat_map(|c| c.operands(&[]).into_iter().map(|w| w.value.clone()))
                    .collect()
            });
            if removed.iter().any(|r| removes(r, dir)) {
                in_temporary = true;
                continue;
            }
            // Commands in the `cd`'s own arguments (`cd "$(dirname x)"`) come right after it.
            let last = cmds[i + 1..]
                .iter()
                .all(|c| cd.range.start <= c.range.start && c.range.end <= cd.range.end);
            let absolute = dir.starts_with(['/', '$']);
            if last {
                ctx.report(
                    &Self::META,
                    name.range,
                    "`cd` at the end of a RUN has no effect: the next instruction starts in the `WORKDIR` again",
                )
                .with_help(if absolute {
                    format!("Remove the `cd`, or set `WORKDIR {dir}` if later instructions should run there")
                } else {
                    "Remove the `cd`, or set a `WORKDIR` if later instructions should run there"
                        .to_owned()
                });
            } else {
                ctx.report(
                    &Self::META,
                    name.range,
                    format!("`cd {dir}` in a RUN: use `WORKDIR` to change the directory"),
                )
                .with_help(if absolute {
                    format!("Set `WORKDIR {dir}` before this RUN and drop the `cd`")
                } else {
                    "Set a `WORKDIR` before this RUN and drop the `cd`".to_owned()
                });
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA022";

    #[test]
    fn top_level_cds_are_flagged_once_per_run() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN cd /src && make && cd /src/doc && make\n"),
            [(
                2,
                "cd".to_owned(),
                "`cd /src` in a RUN: use `WORKDIR` to change the directory".to_owned()
            )]
        );
        assert_eq!(
            findings(CODE, "FROM a\nRUN make install; cd /usr/local\n"),
            [(
                2,
                "cd".to_owned(),
                "`cd` at the end of a RUN has no effect: the next instruction starts in the `WORKDIR` again".to_owned()
            )]
        );
        let text = "FROM a\nRUN cd app && npm ci\nRUN <<EOF\ncd $APP_HOME\nmake\nEOF\n\
                    ONBUILD RUN cd -P /x && make\nRUN cd /src && rm -rf /src/build\n\
                    RUN cd /tmp && wget u && cd /app && make\nRUN cd /tmp && cd / && cd src && make\n";
        assert_eq!(lines(CODE, text), [2, 4, 7, 8, 9, 10]);
    }

    #[test]
    fn scoped_returning_and_temporary_cds_are_clean() {
        let text = "FROM a\nRUN (cd sub && make)\nRUN for d in */; do cd $d && make; done\n\
                    RUN if [ -d x ]; then cd x; fi\nRUN sh -c 'cd /app && make'\n\
                    RUN cd - && cd .. && cd ../.. && cd / && cd && cd ~/x && cd $HOME\n\
                    RUN cd /tmp && wget u\nRUN cd \"$(mktemp -d)\" && make\n\
                    RUN tmp=$(mktemp -d) && cd \"$tmp\" && make\n\
                    RUN cd /var/tmp/x && make\nRUN cd /tmp && tar -xf a.tgz && cd a-1.0 && make\n\
                    RUN mkdir /src && cd /src && make install && cd / && rm -rf /src\n\
                    RUN cd /opt/app-1.2 && make && rm -rf /opt/app-*\n\
                    RUN [\"sh\", \"-c\", \"cd /x && make\"]\nCMD cd /app && ./run\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }
}
