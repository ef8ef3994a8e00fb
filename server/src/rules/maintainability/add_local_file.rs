//! MA004 `add-local-file`: `ADD` of local files that `COPY` would copy the same.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `ADD` of local files or directories, where `COPY` does the same.

## What it does
Flags an `ADD` whose sources are all local paths that are not archives: no URL, no Git
repository, no name ending in an archive extension (`.tar`, `.tar.gz`, `.tgz`, `.zip`, ...),
no variable, and no `ADD`-only flag (`--checksum`, `--keep-git-dir`, `--unpack`). The fix
writes `COPY`.

## Why is this bad?
`ADD` does more than copy: it downloads URLs, clones repositories and unpacks local tar
archives. A reader of `ADD config/ /etc/app/` has to check which of these happens, and a file
that turns out to be an archive is silently unpacked. `COPY` only copies, so it says what it
does.

## Example
```dockerfile
FROM alpine:3.20
ADD app.py /srv/
```

Use instead:
```dockerfile
FROM alpine:3.20
COPY app.py /srv/
```

## Fix safety
`ADD` recognises a tar archive by its content, not its name. The fix is safe when every
source has a non-archive extension or names a directory (`.`, `src/`); it is unsafe when a
source has no extension (`ADD bundle /opt/`), which could be a tar archive `ADD` unpacks.

## References
- [Best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
- [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
- [hadolint DL3020](https://github.com/hadolint/hadolint/wiki/DL3020)
";

declare_rule! {
    /// `ADD` of local files that `COPY` would copy the same.
    pub struct AddLocalFile;
    code: "MA004",
    name: "add-local-file",
    category: Maintainability,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("hadolint: DL3020"),
    docs: DOCS,
}

/// Endings of the files `ADD` would unpack or that are archives people mean to unpack.
const ARCHIVE_ENDINGS: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
    ".tar.z",
    ".tz",
    ".tar.zst",
    ".tzst",
    ".gz",
    ".bz2",
    ".xz",
    ".lz",
    ".lzma",
    ".z",
    ".zst",
    ".zip",
    ".whl",
    ".jar",
    ".war",
];

/// What a source is, for this rule.
#[derive(Debug, PartialEq, Eq)]
enum Source {
    /// A URL, Git repository, archive name or something unknown: `ADD` may be meant.
    NotPlain,
    /// A directory or a file with a non-archive extension.
    Plain,
    /// A name without extension: a file that may be an archive.
    MaybeArchive,
}

fn classify(source: &str) -> Source {
    let lower = source.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("git@") || lower.contains('$') {
        return Source::NotPlain;
    }
    if ARCHIVE_ENDINGS.iter().any(|e| lower.ends_with(e)) {
        return Source::NotPlain;
    }
    if lower.starts_with("<<") || lower.ends_with('/') || lower == "." || lower.ends_with("/.") {
        return Source::Plain;
    }
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    match name.rfind('.') {
        // `.env`, `.bashrc`: hidden files, named for their role.
        Some(i) if i > 0 || name.len() > 1 => Source::Plain,
        _ => Source::MaybeArchive,
    }
}

impl Rule for AddLocalFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Add
            || ["checksum", "keep-git-dir", "unpack"]
                .iter()
                .any(|f| ins.flag(f).is_some())
        {
            return;
        }
        let words = ins.words();
        let Some((_, sources)) = words.split_last() else {
            return;
        };
        if sources.is_empty() && ins.heredocs.is_empty() {
            return;
        }
        let kinds: Vec<Source> = sources.iter().map(|w| classify(&w.value)).collect();
        if kinds.contains(&Source::NotPlain) {
            return;
        }
        let applicability = if kinds.contains(&Source::MaybeArchive) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let upper = !ins.keyword.value.chars().any(|c| c.is_ascii_lowercase());
        let keyword = if upper { "COPY" } else { "copy" };
        ctx.report(
            &Self::META,
            ins.keyword.range,
            "`ADD` of local files: `COPY` does the same and does not unpack archives",
        )
        .with_help("Use `COPY`")
        .set_fix(Fix {
            applicability,
            edits: vec![Edit {
                range: ins.keyword.range,
                content: keyword.to_owned(),
            }],
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::test_support::{diagnostics, fixed_and_clean, lines};

    const CODE: &str = "MA004";

    #[test]
    fn local_files_are_flagged() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nADD app.py /srv/\nADD . /src\nADD [\"a b.txt\", \"/x/\"]\nADD --chown=1 src/ .env /x/\nONBUILD ADD . /app\n"
            ),
            [2, 3, 4, 5, 6]
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nADD --chown=app a.conf /etc/\nadd . /x\n"),
            "FROM a\nCOPY --chown=app a.conf /etc/\ncopy . /x\n"
        );
        let d = diagnostics(CODE, "FROM a\nADD bundle /opt/\n");
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Unsafe)
        );
    }

    #[test]
    fn archives_urls_and_add_features_are_clean() {
        for text in [
            "FROM a\nADD rootfs.tar.gz /\n",
            "FROM a\nADD app.py dist.tgz /x/\n",
            "FROM a\nADD https://example.com/a.txt /x\n",
            "FROM a\nADD git@github.com:x/y.git /y\n",
            "FROM a\nADD --checksum=sha256:00 https://x/y /y\n",
            "FROM a\nADD $SRC /x\n",
            "FROM a\nCOPY a /b\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
