//! SZ001 `apt-lists-not-removed`: `apt-get update` without removing `/var/lib/apt/lists`
//! in the same RUN.

use crate::declare_rule;
use crate::layers::apt;
use crate::layers::size::human;
use crate::model::Instruction;
use crate::rules::common::{APT_VALUE_OPTIONS, Call, calls, is_apt};
use crate::rules::{Context, Rule, RuleMeta};

use super::{
    append_after_last, checked_script, debian_data_applies_in, later, layer, mounted_over, removes,
};

const DOCS: &str = r"Checks for `apt-get update` in a RUN that does not remove the package lists afterwards.

## What it does
Flags `apt-get update` and `apt update` when nothing later in the same RUN removes
`/var/lib/apt/lists`: `rm -rf /var/lib/apt/lists/*`, `find ... -delete`, `apt-get
dist-clean` (apt 2.7 and later), or the `install-packages` helper of Gitpod's and
Bitnami's images, which removes them. The operator between the commands (`&&`, `;`, `||`)
does not matter, nor how the command is written (`sudo`, `DEBIAN_FRONTEND=noninteractive`,
`-qq`, a path, a heredoc body).

`apt-get clean` is not enough: it empties `/var/cache/apt/archives` (the downloaded
`.deb` files) but leaves the lists. Debian's and Ubuntu's official images clean the
archives by themselves (`/etc/apt/apt.conf.d/docker-clean`), not the lists.

Not flagged when the RUN mounts a cache or a tmpfs over `/var/lib/apt/lists` or a parent
of it (`RUN --mount=type=cache,target=/var/lib/apt`): the lists then never reach the
layer.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`sh -c '...'`) is not seen, though a cleanup
there is.

Differences from hadolint DL3009: hadolint accepts only `rm -rf /var/lib/apt/lists/*`
written that way, anywhere in the RUN, and checks builder stages that another stage is
built `FROM`. dlint also accepts `apt-get dist-clean`, other spellings of the `rm` and the
`install-packages` helpers (above), requires the cleanup after the last `apt-get update`,
and checks only the stages that ship:

```dockerfile
FROM debian:trixie-slim
# hadolint DL3009 here; dlint: fine, `dist-clean` removes the lists
RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean
# dlint only: the second update's lists stay in the layer
RUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get update
```

## Why is this bad?
`apt-get update` downloads the package index of every configured repository: about 20 MB
for Debian, more for Ubuntu. Once the layer is committed a later `rm` cannot shrink it:
the files stay in the image, unused, and are pulled by every host that runs it. They also
go stale, so a later `apt-get install` needs a fresh `apt-get update` anyway.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
The fix appends `&& rm -rf /var/lib/apt/lists/*` after the last `apt` command of a plain
`&&` chain (none is offered for heredocs, pipes, `||` or subshells, nor when a later RUN of
the stage still runs `apt`: that RUN would fail without the lists, so join the RUNs
instead). It is unsafe because it changes the image: a later RUN in a stage built on this
one that runs `apt-get install` without its own `apt-get update` then fails.

## References
- [Docker: best practices for `apt-get`](https://docs.docker.com/build/building/best-practices/#apt-get)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- [hadolint DL3009](https://github.com/hadolint/hadolint/wiki/DL3009)
";

declare_rule! {
    /// `apt-get update` without removing `/var/lib/apt/lists` in the same RUN.
    pub struct AptListsNotRemoved;
    code: "SZ001",
    name: "apt-lists-not-removed",
    category: Size,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3009"),
    docs: DOCS,
}

const LISTS: &str = "/var/lib/apt/lists";

fn is_update(call: &Call<'_>) -> bool {
    is_apt(&call.name) && call.subcommand_in(APT_VALUE_OPTIONS, &["update"]).is_some()
}

/// `rm` of the lists; `apt-get dist-clean` (apt 2.7+, Debian trixie), which removes the
/// archives and the lists; or the `install-packages` (Gitpod) and `install_packages`
/// (Bitnami minideb) helpers, which update, install and remove the lists.
fn removes_lists(call: &Call<'_>) -> bool {
    removes(call, LISTS)
        || matches!(&*call.name, "install-packages" | "install_packages")
        || (is_apt(&call.name)
            && call
                .subcommand_in(APT_VALUE_OPTIONS, &["dist-clean", "distclean"])
                .is_some())
}

impl Rule for AptListsNotRemoved {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        if mounted_over(ins, LISTS) {
            return;
        }
        let calls = calls(script);
        let Some(update) = calls
            .iter()
            .rev()
            .find(|c| is_update(c) && !later(calls, c.index, removes_lists))
        else {
            return;
        };
        let Some(sub) = update.subcommand(APT_VALUE_OPTIONS) else {
            return;
        };
        let size = apt::lists_size()
            .filter(|_| debian_data_applies_in(ctx, ins))
            .map_or(String::new(), |b| format!("~{} of ", human(b)));
        let message = format!(
            "`{} update` leaves {size}package lists in {}",
            update.name,
            layer(ins)
        );
        // Remove the lists after the last command that may still read them.
        let reads_lists = |c: &Call<'_>| {
            is_apt(&c.name) || c.name == "apt-cache" || c.name == "add-apt-repository"
        };
        // A later RUN of the stage that uses apt needs these lists: removing them here
        // would break it, so the fix is to join the RUNs (CA004 / LY001), not this one.
        // Until a later RUN updates again, the lists of this one are what it reads.
        let later_reader = ins.stage.and_then(|stage| {
            let stage = ctx.file.stages.get(stage)?;
            for later in ctx
                .file
                .stage_instructions(stage)
                .iter()
                .filter(|i| i.range.start > ins.range.start)
            {
                let Some(script) = checked_script(later, ctx.file) else {
                    continue;
                };
                let later_calls = crate::rules::common::calls(script);
                if later_calls
                    .iter()
                    .take_while(|c| !is_update(c))
                    .any(reads_lists)
                {
                    return Some(later);
                }
                if later_calls.iter().any(is_update) {
                    return None;
                }
            }
            None
        });
        let fix = if later_reader.is_some() {
            None
        } else {
            append_after_last(
                ctx,
                ins,
                script,
                calls,
                reads_lists,
                "rm -rf /var/lib/apt/lists/*",
            )
        };
        let help = match later_reader {
            Some(reader) => format!(
                "Run the `apt` commands of line {} in this RUN, then remove the lists: `&& rm -rf /var/lib/apt/lists/*`",
                reader.start_line
            ),
            None => "Remove the lists in the same RUN: `&& rm -rf /var/lib/apt/lists/*`".to_owned(),
        };
        let diagnostic = ctx
            .report(&Self::META, update.range_to(sub), message)
            .with_help(help)
            .set_fix(fix);
        if let Some(reader) = later_reader {
            diagnostic.with_related(
                reader.keyword.range,
                "a later RUN that still reads the lists",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::layers::apt;
    use crate::layers::size::human;
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SZ001";

    #[test]
    fn update_without_removal_is_flagged_at_the_command() {
        let text = "FROM debian\nRUN apt-get update && apt-get install -y curl\n";
        let size = apt::lists_size().map_or(String::new(), |b| format!("~{} of ", human(b)));
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "apt-get update".to_owned(),
                format!("`apt-get update` leaves {size}package lists in this layer (line 2)")
            )]
        );
        // The shipped data describes Debian, not Ubuntu.
        assert_eq!(
            findings(CODE, "FROM ubuntu:24.04\nRUN apt-get update\n")[0].2,
            "`apt-get update` leaves package lists in this layer (line 2)"
        );
        let d = diagnostics(CODE, text);
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Unsafe)
        );
    }

    #[test]
    fn no_fix_when_a_later_run_still_reads_the_lists() {
        let text = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let d = diagnostics(CODE, text);
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none(), "{:?}", d[0].fix);
        assert!(d[0].help.as_deref().is_some_and(|h| h.contains("line 3")));
        assert_eq!(d[0].related.len(), 1);
        // A later RUN with its own update does not need these lists.
        let text = "FROM debian\nRUN apt-get update && apt-get install -y a\nRUN apt-get update && apt-get install -y b\n";
        assert!(diagnostics(CODE, text).iter().all(|d| d.fix.is_some()));
    }

    #[test]
    fn spellings_and_shapes() {
        let flagged = [
            "FROM d\nRUN apt update && apt install -y curl\n",
            "FROM d\nRUN DEBIAN_FRONTEND=noninteractive apt-get -qq update\n",
            "FROM d\nRUN set -eux; \\\n  apt-get -o Acquire::Retries=3 update; \\\n  # a comment\n  apt-get install -y curl\n",
            "FROM d\nRUN sudo /usr/bin/apt-get update -y\n",
            "FROM d\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
            "FROM d\nRUN (apt-get update || true) && apt-get install -y x\n",
            // `apt-get clean` removes the archives, not the lists.
            "FROM d\nRUN apt-get update && apt-get install -y x && apt-get clean\n",
            // Removing before the update does not count.
            "FROM d\nRUN rm -rf /var/lib/apt/lists/* && apt-get update\n",
            // Only part of the lists.
            "FROM d\nRUN apt-get update && rm -rf /var/lib/apt/lists/partial\n",
            // A cache mount over the archives does not cover the lists.
            "FROM d\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n",
            "FROM d\nONBUILD RUN apt-get update\n",
        ];
        for text in flagged {
            assert_eq!(lines(CODE, text).len(), 1, "{text}");
        }
    }

    #[test]
    fn removal_later_in_the_run_or_a_mount_is_clean() {
        let clean = [
            "FROM d\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
            "FROM d\nRUN apt-get update; apt-get install -y x; rm -rf /var/lib/apt/lists\n",
            "FROM d\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/* /tmp/*\n",
            "FROM d\nRUN apt-get update && apt-get install -y x || rm -fr /var/lib/apt/lists/\n",
            "FROM d\nRUN apt-get update && apt-get install x && find /var/lib/apt/lists -type f -delete\n",
            "FROM d\nRUN set -eux; apt-get update; apt-get install -y x; apt-get dist-clean\n",
            "FROM d\nRUN apt update && apt install -y x && apt distclean\n",
            "FROM gitpod/workspace-base\nRUN apt update && install-packages clang\n",
            "FROM d\nRUN apt-get update && (apt-get install -y x; rm -rf /var/lib/apt/lists/*)\n",
            "FROM d\nRUN <<EOF\napt-get update\napt-get install -y x\nrm -rf /var/lib/apt/lists/*\nEOF\n",
            "FROM d\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update\n",
            "FROM d\nRUN --mount=sharing=locked,type=cache,dst=/var/lib/apt/lists apt-get update\n",
            "FROM d\nRUN --mount=type=tmpfs,destination=/var/lib/apt/lists apt-get update\n",
            "FROM d\nRUN apt-get install -y x\n",
            "FROM d\nRUN apt-cache policy curl && echo apt-get update\n",
            // Not a POSIX shell.
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get update\n",
            "FROM d\nRUN [\"apt-get\", \"update\"]\n",
        ];
        for text in clean {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn the_fix_goes_after_the_last_apt_command() {
        let out = fixed_and_clean(
            CODE,
            "FROM d\nRUN apt-get update && apt-get install -y curl && curl -o /x https://e\n",
        );
        assert_eq!(
            out,
            "FROM d\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* && curl -o /x https://e\n"
        );
        let out = fixed_and_clean(
            CODE,
            "FROM d\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y \\\n        curl \\\n    # done\n",
        );
        assert_eq!(
            out,
            "FROM d\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y \\\n        curl && rm -rf /var/lib/apt/lists/* \\\n    # done\n"
        );
        let out = fixed_and_clean(
            CODE,
            "FROM d\r\nRUN apt-get update \\\r\n && apt-get install -y x\r\n",
        );
        assert_eq!(
            out,
            "FROM d\r\nRUN apt-get update \\\r\n && apt-get install -y x && rm -rf /var/lib/apt/lists/*\r\n"
        );
    }

    #[test]
    fn no_fix_where_an_insertion_is_not_plain() {
        for text in [
            "FROM d\nRUN <<EOF\napt-get update\nEOF\n",
            "FROM d\nRUN apt-get update | tee log\n",
            "FROM d\nRUN apt-get update > /dev/null\n",
            "FROM d\nRUN apt-get update || true\n",
            "FROM d\nRUN if true; then apt-get update; fi\n",
        ] {
            let d = diagnostics(CODE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fix.is_none(), "{text}");
        }
    }
}
