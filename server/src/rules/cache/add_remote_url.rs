//! CA003 `add-remote-url`: `ADD https://...` without `--checksum`.

use crate::declare_rule;
use crate::layers::analysis::copy_sources;
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `ADD` of a remote URL without `--checksum`.

## What it does
Flags `ADD http://...` and `ADD https://...` when the instruction has no `--checksum`
flag. Git sources (`ADD https://github.com/org/repo.git#v1.2.3`) are not flagged: they
name a ref, not a file.

## Why is this bad?
The builder cannot know whether a remote file changed without asking the server, so it
checks the URL again at every build, and the layer changes whenever the server returns
other bytes under the same address: a moved `latest` link, a re-uploaded release asset,
a compromised mirror. Nothing tells you that the image now contains something else.

`--checksum` pins the content: the build fails when the download does not match. If the
file is only needed by one RUN, downloading it there (`curl` then `sha256sum -c`) keeps it
out of a layer of its own as well.

## Example
```dockerfile
FROM alpine:3.20
ADD https://mirrors.edge.kernel.org/pub/linux/kernel/Historic/linux-0.01.tar.gz /
```

Use instead:
```dockerfile
FROM alpine:3.20
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://mirrors.edge.kernel.org/pub/linux/kernel/Historic/linux-0.01.tar.gz /
```

## References
- [Dockerfile reference: `ADD --checksum`](https://docs.docker.com/reference/dockerfile/#add---checksum)
- [Docker: best practices for ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
";

declare_rule! {
    /// `ADD https://...` without `--checksum`.
    pub struct AddRemoteUrl;
    code: "CA003",
    name: "add-remote-url",
    category: Cache,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Whether `source` is a Git repository rather than a file (BuildKit's `isGitTransport`
/// and the `.git` suffix).
fn is_git(source: &str) -> bool {
    // `https://host/repo.git#ref` and `https://host/repo.git?ref=v1&keep-git-dir=1`.
    let path = source.split(['#', '?']).next().unwrap_or(source);
    source.starts_with("git://")
        || source.starts_with("git@")
        || source.starts_with("ssh://")
        || std::path::Path::new(path.trim_end_matches('/'))
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("git"))
}

impl Rule for AddRemoteUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Add || ins.flag("checksum").is_some() {
            return;
        }
        if ins.flag("keep-git-dir").is_some() {
            return;
        }
        let (sources, _) = copy_sources(ins);
        for source in sources {
            let lower = source.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) || is_git(&source) {
                continue;
            }
            let Some(word) = ins.words().iter().find(|w| w.value == source) else {
                continue;
            };
            ctx.report(
                &Self::META,
                word.range,
                format!(
                    "`ADD` of `{source}` without `--checksum`: it is fetched again at every \
                     build and may change under the same URL"
                ),
            )
            .with_help(
                "Pin the content with `ADD --checksum=sha256:<digest>`, or download it with \
                 `curl` in the RUN that uses it",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_remote_files_without_checksum() {
        let text =
            "FROM a\nADD https://example.com/x.tar.gz /x/\nADD --chown=1 http://e.com/a /a\n";
        let f = findings("CA003", text);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].0, 2);
        assert_eq!(f[0].1, "https://example.com/x.tar.gz");
        assert_eq!(
            f[0].2,
            "`ADD` of `https://example.com/x.tar.gz` without `--checksum`: it is fetched again \
             at every build and may change under the same URL"
        );
        assert_eq!(f[1].0, 3);
    }

    #[test]
    fn checksums_git_local_and_copy_are_clean() {
        let text = "FROM a\n\
                    ADD --checksum=sha256:abc https://e.com/x /x\n\
                    ADD https://github.com/moby/buildkit.git#v0.10.1 /buildkit\n\
                    ADD --keep-git-dir https://e.com/repo#main /r\n\
                    ADD git@github.com:org/repo /r\n\
                    ADD https://github.com/go-delve/delve.git?ref=v1.2&keep-git-dir=1 /d\n\
                    ADD local.tar.gz /\n\
                    COPY https://e.com/x /x\n\
                    ADD [\"local\", \"/x\"]\n";
        assert_eq!(lines("CA003", text), [] as [u32; 0]);
    }

    #[test]
    fn exec_form_onbuild_and_several_sources() {
        let text = "FROM a\nADD [\"https://e.com/a\", \"/a\"]\nONBUILD ADD https://e.com/b https://e.com/c.git /d/\n";
        let f = findings("CA003", text);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "\"https://e.com/a\""));
        assert_eq!((f[1].0, f[1].1.as_str()), (3, "https://e.com/b"));
    }
}
