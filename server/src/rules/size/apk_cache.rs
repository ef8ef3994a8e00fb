//! SZ003 `apk-cache`: `apk add` that leaves the package index in `/var/cache/apk`.

use crate::declare_rule;
use crate::diagnostic::Applicability;
use crate::model::Instruction;
use crate::rules::common::{Call, calls};
use crate::rules::{Context, Rule, RuleMeta};

use super::{checked_script, insert_option, later, layer, mounted_over, removes};
use crate::shell::Word;

const DOCS: &str = r"Checks for `apk add` without `--no-cache` that leaves the package index in the layer.

## What it does
Flags `apk add` and `apk upgrade` without `--no-cache` (before or after the subcommand),
and `apk update`, when nothing later in the same RUN removes `/var/cache/apk`
(`rm -rf /var/cache/apk/*`) and the RUN does not mount a cache over `/var/cache/apk` or
`/etc/apk/cache`. `apk add --no-network` fetches nothing and is not flagged.

One finding per RUN, at `apk update` if there is one (it needs a human: drop it, or remove
the cache), else at the first `apk add`; the fix then adds `--no-cache` to every `apk add`
and `apk upgrade` of the RUN.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`sh -c '...'`) is not seen, though a cleanup
there is.

Differences from hadolint DL3019: hadolint flags every `apk add` without `--no-cache`, in
every stage, whatever follows; dlint judges what stays in the layer. So it accepts an `rm`
of `/var/cache/apk` later in the RUN and `apk add --no-network` (which downloads no
index), skips builder stages that are only copied from, and also flags `apk update` and
`apk upgrade`, which write the index as `apk add` does:

```dockerfile
FROM alpine:3.20
# hadolint DL3019 here; dlint: fine, the index is removed in the same layer
RUN apk update && apk add py3-pip && rm -rf /var/cache/apk/*
# dlint only: `apk update` leaves the index behind
RUN apk update && apk add --no-cache curl
```

## Why is this bad?
Without `--no-cache`, `apk` downloads the index of every repository into
`/var/cache/apk` (a few megabytes) and leaves it in the layer, where a later RUN cannot
remove it. `apk add --no-cache` fetches a fresh index, uses it, and keeps nothing, which
also makes a separate `apk update` unnecessary.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add curl
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## References
- [Alpine wiki: local APK cache](https://wiki.alpinelinux.org/wiki/Local_APK_cache)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- [hadolint DL3019](https://github.com/hadolint/hadolint/wiki/DL3019)
";

declare_rule! {
    /// `apk add` without `--no-cache`.
    pub struct ApkCache;
    code: "SZ003",
    name: "apk-cache",
    category: Size,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3019"),
    docs: DOCS,
}

const CACHE: &str = "/var/cache/apk";

/// Options of `apk` that take a separate value.
const APK_VALUE_OPTIONS: &[&str] = &[
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "--cache-max-age",
    "--timeout",
    "-t",
    "--virtual",
];

impl Rule for ApkCache {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        if mounted_over(ins, CACHE) || mounted_over(ins, "/etc/apk/cache") {
            return;
        }
        let calls = calls(script);
        // Every command that writes the index and is not followed by a removal; one
        // finding per RUN.
        let offenders: Vec<(&Call<'_>, &Word)> = calls
            .iter()
            .filter(|c| c.name == "apk" && !c.has_option(&["--no-cache", "--no-network"]))
            .filter_map(|c| {
                let sub = c.subcommand_in(APK_VALUE_OPTIONS, &["add", "update", "upgrade"])?;
                Some((c, sub))
            })
            .filter(|(c, _)| !later(calls, c.index, |l| removes(l, CACHE)))
            .collect();
        let update = offenders.iter().find(|(_, sub)| sub.value == "update");
        let Some(&(call, sub)) = update.or_else(|| offenders.first()) else {
            return;
        };
        let what = if update.is_some() {
            "`apk update`".to_owned()
        } else {
            format!("`apk {}` without `--no-cache`", sub.value)
        };
        let message = format!(
            "{what} leaves the package index in /var/cache/apk in {}",
            layer(ins)
        );
        let diagnostic = ctx.report(&Self::META, call.range_to(sub), message);
        if update.is_some() {
            let _ = diagnostic.with_help(
                "Drop `apk update` and use `apk add --no-cache`, which fetches a fresh index without keeping it",
            );
        } else {
            // Every `apk add`/`apk upgrade` of the RUN gets `--no-cache`.
            let subs = offenders.iter().map(|&(_, sub)| sub);
            diagnostic
                .with_help("Add `--no-cache`")
                .set_fix(insert_option(Applicability::Safe, "--no-cache", subs));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SZ003";

    #[test]
    fn add_without_no_cache_is_flagged() {
        let text = "FROM alpine\nRUN apk add curl\n";
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "apk add".to_owned(),
                "`apk add` without `--no-cache` leaves the package index in /var/cache/apk in this layer (line 2)"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Safe)
        );
    }

    #[test]
    fn spellings_and_shapes() {
        assert_eq!(
            lines(CODE, "FROM a\nRUN apk update && apk add --no-cache curl\n"),
            [2]
        );
        // One finding per RUN, at `apk update` when there is one.
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN apk upgrade && apk update && apk add -U curl\n"
            ),
            [(
                2,
                "apk update".to_owned(),
                "`apk update` leaves the package index in /var/cache/apk in this layer (line 2)"
                    .to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN set -eux; \\\n  apk add --virtual .deps gcc; \\\n  make\n"
            ),
            [3]
        );
        assert_eq!(lines(CODE, "FROM a\nRUN <<EOF\napk add git\nEOF\n"), [3]);
        assert_eq!(lines(CODE, "FROM a\nRUN sudo apk -U upgrade\n"), [2]);
        assert_eq!(
            lines(CODE, "FROM a\nRUN rm -rf /var/cache/apk/* && apk add x\n"),
            [2]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN --mount=type=cache,target=/var/cache/apt apk add x\n"
            ),
            [2]
        );
    }

    #[test]
    fn no_cache_cleanup_and_mounts_are_clean() {
        for text in [
            "FROM a\nRUN apk add --no-cache curl\n",
            "FROM a\nRUN apk --no-cache add curl\n",
            "FROM a\nRUN apk add --virtual .deps --no-cache curl\n",
            "FROM a\nRUN apk add --no-network --virtual .rundeps $deps\n",
            "FROM a\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n",
            "FROM a\nRUN apk add curl; rm -rf /var/cache/apk\n",
            "FROM a\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
            "FROM a\nRUN --mount=type=cache,target=/etc/apk/cache,sharing=locked apk update && apk add curl\n",
            "FROM a\nRUN apk info curl && apk del curl\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn update_has_no_fix_add_does() {
        let d = diagnostics(CODE, "FROM a\nRUN apk update && apk add --no-cache x\n");
        assert!(d[0].fix.is_none());
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Drop `apk update` and use `apk add --no-cache`, which fetches a fresh index without keeping it"
            )
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nRUN apk -U add curl \\\n  && apk upgrade\n"),
            "FROM a\nRUN apk -U add --no-cache curl \\\n  && apk upgrade --no-cache\n"
        );
    }
}
