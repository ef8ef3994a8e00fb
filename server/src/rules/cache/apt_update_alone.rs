//! CA004 `apt-update-alone`: `apt-get update` in a RUN of its own, before a RUN that
//! installs packages.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{
    Call, apt_reads_lists, calls_with_inline, flags_key, is_apt_update, merge_runs, posix_script,
    sequences,
};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `apt-get update` in a RUN without the install that needs it.

## What it does
Flags `apt-get update` (or `apt update`) in a RUN that runs no `apt-get install`,
`upgrade` or other command that reads the package lists, when a later RUN of the same
stage installs packages without updating the lists itself. A helper that installs
(`install-packages`) or a script (`./install.sh`) after the update counts as an install.

## Why is this bad?
The RUN with `apt-get update` is cached like any other: its text does not change, so
later builds reuse the package lists it downloaded the first time, however old they are.
The later `apt-get install` then asks for versions the mirrors no longer have (`404 Not
Found`), or installs old ones. Adding a package to the install line rebuilds only that
layer, still with the old lists.

Running the update and the install in one RUN refreshes the lists whenever the package
list changes.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
```

## Fix safety
When the install comes in the very next instruction, a RUN with the same flags, the fix
merges the two RUNs. It is display-only: the merged RUN runs again whenever either part
changes, which is the point, but the result may want a different order or a cleanup.

## References
- [Docker: best practices for `apt-get`](https://docs.docker.com/build/building/best-practices/#apt-get)
- [Docker: build cache invalidation](https://docs.docker.com/build/cache/invalidation/)
";

declare_rule! {
    /// `apt-get update` in a RUN of its own, before a RUN that installs packages.
    pub struct AptUpdateAlone;
    code: "CA004",
    name: "apt-update-alone",
    category: Cache,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// What a RUN does with the package lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AptUse {
    /// Nothing.
    None,
    /// Updates them and reads none: the update stands alone.
    UpdateOnly,
    /// Reads them before any update of its own: depends on an earlier update.
    ReadsStale,
    /// Updates, then reads them: self-contained.
    UpdateThenRead,
}

fn apt_use(ins: &Instruction, ctx: &Context<'_>) -> AptUse {
    let Some(script) = posix_script(ctx.file, ins) else {
        return AptUse::None;
    };
    let mut updated = false;
    for call in calls_with_inline(script) {
        if is_apt_update(call) {
            updated = true;
        } else if apt_reads_lists(call) || (updated && may_install(call)) {
            return if updated {
                AptUse::UpdateThenRead
            } else {
                AptUse::ReadsStale
            };
        }
    }
    if updated {
        AptUse::UpdateOnly
    } else {
        AptUse::None
    }
}

/// Whether a call after `apt-get update` may install packages itself: a helper such as
/// `install-packages`, or a script of the project (`./install.sh`, `bash deps.sh`).
fn may_install(call: &Call<'_>) -> bool {
    let script = |w: &str| {
        w.contains('/')
            || std::path::Path::new(w)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("sh"))
    };
    matches!(
        &*call.name,
        "install-packages" | "install_packages" | "apt-fast" | "nala" | "apt-install"
    ) || script(&call.program.value)
        || (matches!(&*call.name, "sh" | "bash")
            && call.args.first().is_some_and(|a| script(&a.value)))
}

impl Rule for AptUpdateAlone {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        for seq in sequences(ctx.file) {
            let runs: Vec<(usize, &Instruction, AptUse)> = seq
                .instructions
                .iter()
                .enumerate()
                .filter(|(_, i)| i.kind == InstructionKind::Run)
                .map(|(n, i)| (n, *i, apt_use(i, ctx)))
                .collect();
            for (k, &(n, update, use_)) in runs.iter().enumerate() {
                if use_ != AptUse::UpdateOnly {
                    continue;
                }
                // The next RUN that touches the lists: reads them stale, or updates again.
                let Some(&(m, install, _)) = runs[k + 1..]
                    .iter()
                    .find(|(_, _, u)| *u != AptUse::None)
                    .filter(|(_, _, u)| *u == AptUse::ReadsStale)
                else {
                    continue;
                };
                let Some(script) = update.script() else {
                    continue;
                };
                let Some(call) = calls_with_inline(script).iter().find(|c| is_apt_update(c)) else {
                    continue;
                };
                let reader = install
                    .script()
                    .and_then(|s| calls_with_inline(s).iter().find(|c| apt_reads_lists(c)))
                    .map_or_else(|| "apt-get install".to_owned(), |c| c.display(1));
                let message = format!(
                    "`{}` runs without an install in this RUN: the `{reader}` on line {} reuses \
                     the package lists cached in this layer, however old",
                    call.display(1),
                    install.start_line
                );
                let fix = (m == n + 1 && !seq.onbuild && flags_key(update) == flags_key(install))
                    .then(|| merge_runs(ctx, &[update, install]))
                    .flatten();
                let diagnostic = ctx
                    .report(&Self::META, call.span(), message)
                    .with_help(format!(
                        "Run `apt-get update` in the same RUN as the `{reader}` on line {}",
                        install.start_line
                    ))
                    .with_related(
                        install.keyword.range,
                        format!("the `{reader}` that reads the cached lists"),
                    );
                if let Some(edit) = fix {
                    diagnostic.set_fix(Fix {
                        applicability: Applicability::DisplayOnly,
                        edits: vec![edit],
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    #[test]
    fn flags_update_before_a_later_install() {
        let text = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let f = findings("CA004", text);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "apt-get update"));
        assert_eq!(
            f[0].2,
            "`apt-get update` runs without an install in this RUN: the `apt-get install ...` \
             on line 3 reuses the package lists cached in this layer, however old"
        );
        assert_eq!(
            fixed_and_clean("CA004", text),
            "FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\n"
        );
    }

    #[test]
    fn flags_across_other_instructions_without_a_fix() {
        let text = "FROM debian\nRUN set -eux; apt update -qq\nENV A=1\nRUN sudo apt-get -y install curl\n";
        assert_eq!(lines("CA004", text), [2]);
        assert!(diagnostics("CA004", text)[0].fix.is_none());
        let mounts = "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\nRUN apt-get install -y x\n";
        assert_eq!(lines("CA004", mounts), [2]);
        assert!(diagnostics("CA004", mounts)[0].fix.is_none());
    }

    #[test]
    fn self_contained_updates_are_clean() {
        let text = "FROM debian\n\
                    RUN apt-get update && apt-get install -y curl\n\
                    RUN apt-get update\n\
                    RUN apt-get update && apt-get install -y git\n\
                    RUN apt-get update\n\
                    FROM debian\n\
                    RUN apt-get install -y x\n\
                    RUN apt-get update && apt-get upgrade -y\n\
                    RUN apt-get update\n\
                    RUN echo done\n";
        assert_eq!(lines("CA004", text), [] as [u32; 0]);
    }

    #[test]
    fn tricky_shells() {
        // The install hides in `sh -c`; the update RUN uses `;` and `set -eux`.
        let text = "FROM debian\nRUN set -eux; \\\n    # refresh\n    apt-get update;\nRUN sh -c 'apt-get install -y curl'\n";
        assert_eq!(lines("CA004", text), [4]);
        let out = fixed_and_clean("CA004", text);
        assert_eq!(
            out,
            "FROM debian\nRUN ( set -eux; \\\n    # refresh\n    apt-get update ) && \\\n    sh -c 'apt-get install -y curl'\n"
        );
        // An install in the same RUN, after `||` or in a subshell, counts.
        let same =
            "FROM debian\nRUN apt-get update || (apt-get install -y x)\nRUN apt-get install -y y\n";
        assert_eq!(lines("CA004", same), [] as [u32; 0]);
        // A heredoc update RUN gets no fix.
        let heredoc = "FROM debian\nRUN <<EOF\napt-get update\nEOF\nRUN apt-get install -y x\n";
        assert_eq!(lines("CA004", heredoc), [3]);
        assert!(diagnostics("CA004", heredoc)[0].fix.is_none());
    }

    #[test]
    fn onbuild_triggers() {
        let text = "FROM debian\nONBUILD RUN apt-get update\nONBUILD RUN apt-get install -y x\n";
        assert_eq!(lines("CA004", text), [2]);
        assert!(diagnostics("CA004", text)[0].fix.is_none());
    }
}
