//! SZ012 `removed-in-later-layer`: files removed by a RUN that did not add them; the layer
//! that added them still ships their bytes.

use crate::declare_rule;
use crate::layers::size::human;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{Call, calls, posix_script};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::added::{absolute, context_bytes, copied, extracted_archive, workdir_at};
use super::{base_name, covers, earlier, shipped};

const DOCS: &str = r"Checks for files removed in a later layer than the one that added them.

## What it does
Flags an `rm` (or `find ... -delete`) in a RUN that removes what an earlier instruction of
the image added in its own layer:

- the files of a `COPY` or `ADD` (a directory, an archive, a package, a binary; small text
  files such as scripts and configuration are left alone unless the build context shows
  them to be large);
- a download of an earlier RUN (`curl -o <path>`, `wget -O <path>`).

The removed path must be the added one or a directory above it (`rm -rf /tmp/*`); paths
are resolved against the `WORKDIR`. A download removed by the RUN right after it (only RUNs
in between) is left to `unchained-runs`, and a copied archive that the removing RUN also
unpacks to `archive-copied-then-extracted`. The size is shown when the build context is
known.

Only stages whose layers ship are checked; a builder that is only copied from is not.

## Why is this bad?
Layers only add: removing a file in a later layer records a whiteout that hides it, while
the earlier layer still carries every byte to every host that pulls the image. Remove files
in the RUN that creates them, hand a RUN the files it needs through a bind mount
(`RUN --mount=type=bind`) instead of a COPY, or keep them out of the image with
`.dockerignore` or a build stage.

## Example
```dockerfile
FROM debian:bookworm-slim
COPY vendor/ /tmp/vendor/
RUN ./install.sh
RUN rm -rf /tmp/vendor
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN --mount=type=bind,source=vendor,target=/tmp/vendor ./install.sh
```

## References
- [Docker: understanding image layers](https://docs.docker.com/get-started/docker-concepts/building-images/understanding-image-layers/)
- [Dockerfile reference: `RUN --mount=type=bind`](https://docs.docker.com/reference/dockerfile/#run---mounttypebind)
";

declare_rule! {
    /// Files removed in a later layer than the one that added them.
    pub struct RemovedInLaterLayer;
    code: "SZ012",
    name: "removed-in-later-layer",
    category: Size,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Extensions of files that are usually small: a COPY of one of these removed later is not
/// worth a finding unless the build context says otherwise.
const SMALL: &[&str] = &[
    "sh",
    "bash",
    "py",
    "rb",
    "pl",
    "js",
    "mjs",
    "ts",
    "json",
    "txt",
    "md",
    "conf",
    "cfg",
    "ini",
    "toml",
    "yaml",
    "yml",
    "xml",
    "lock",
    "env",
    "properties",
    "sql",
    "patch",
    "diff",
    "pem",
    "crt",
    "cer",
    "key",
    "pub",
    "asc",
    "gpg",
    "list",
    "repo",
    "sources",
    "html",
    "css",
    "r",
    "php",
    "service",
    "template",
    "tmpl",
    "tpl",
    "j2",
    "cnf",
    "ps1",
    "bat",
    "csv",
    "cmake",
    "gemspec",
    "mod",
    "sum",
    "in",
    "cfg",
    "rst",
    "log",
    "pref",
    "rules",
    "desktop",
];

/// Bytes from which a copied file counts, when the build context is known.
const LARGE: u64 = 1_000_000;

/// What added a removed path.
struct Adder<'a> {
    ins: &'a Instruction,
    /// "the COPY on line 3", "the download on line 3".
    what: String,
    copy: bool,
    bytes: Option<u64>,
}

/// The words naming what a call removes: `rm` operands, `find <paths> -delete`.
fn removed_words<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    match &*call.name {
        "rm" => call.operands(&[]),
        "find" => {
            let deletes = call
                .args
                .windows(2)
                .any(|w| w[0].value == "-exec" && base_name(&w[1].value) == "rm")
                || call.args.iter().any(|w| w.value == "-delete");
            if !deletes {
                return vec![];
            }
            call.args
                .iter()
                .take_while(|w| !w.value.starts_with('-') && w.value != "(" && w.value != "!")
                .collect()
        }
        _ => vec![],
    }
}

/// The files a call downloads to a path it names: `curl -o`, `wget -O`, also at the end
/// of a cluster of short options (`curl -fsSLo x`, `wget -qO x`).
fn downloads<'c>(call: &'c Call<'_>) -> Vec<&'c str> {
    let (short, long) = match &*call.name {
        "curl" => ('o', "--output"),
        "wget" => ('O', "--output-document"),
        _ => return vec![],
    };
    let args: Vec<&str> = call.arg_values().collect();
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix(long).and_then(|v| v.strip_prefix('=')) {
            out.push(v);
        } else if *a == long {
            out.extend(args.get(i + 1));
        } else if let Some(cluster) = a.strip_prefix('-').filter(|c| !c.starts_with('-'))
            && let Some(at) = cluster.find(short)
            && cluster[..at].chars().all(|c| c.is_ascii_alphabetic())
        {
            let rest = &cluster[at + 1..];
            if rest.is_empty() {
                out.extend(args.get(i + 1));
            } else {
                out.push(rest);
            }
        }
    }
    out.into_iter().filter(|v| *v != "-").collect()
}

fn small_file(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && SMALL.contains(&ext.to_ascii_lowercase().as_str())
    })
}

/// What of `before` (the instructions before `run` in its image) added `path`.
fn adders<'a>(
    ctx: &Context<'_>,
    run: &Instruction,
    before: &[&'a Instruction],
    path: &str,
    unpacked: &[String],
) -> Vec<Adder<'a>> {
    let file = ctx.file;
    let mut out = Vec::new();
    for (n, ins) in before.iter().enumerate() {
        match ins.kind {
            InstructionKind::Copy | InstructionKind::Add => {
                for c in copied(file, ins) {
                    let Some(landed) = c.paths.iter().find(|p| covers(path, p)) else {
                        continue;
                    };
                    if unpacked.contains(landed) || c.source.value.contains("://") {
                        continue;
                    }
                    let bytes = context_bytes(ctx.analysis(), file, ins);
                    let worth = match bytes {
                        Some(b) => b >= LARGE,
                        None => {
                            let name = c.source.value.rsplit('/').next().unwrap_or_default();
                            !small_file(name.trim_end_matches('*'))
                        }
                    };
                    if worth && !out.iter().any(|a: &Adder<'_>| std::ptr::eq(a.ins, *ins)) {
                        out.push(Adder {
                            ins,
                            what: format!("the {} on line {}", ins.kind.as_str(), ins.start_line),
                            copy: true,
                            bytes,
                        });
                    }
                }
            }
            InstructionKind::Run => {
                // Only RUNs in between: `unchained-runs` reports the split.
                if before[n + 1..]
                    .iter()
                    .all(|i| i.kind == InstructionKind::Run && i.stage == run.stage)
                    && ins.stage == run.stage
                {
                    continue;
                }
                let Some(script) = posix_script(file, ins) else {
                    continue;
                };
                let workdir = workdir_at(file, ins);
                let cd = script.commands.iter().any(|c| c.program() == Some("cd"));
                let hit = calls(script).iter().flat_map(downloads).any(|d| {
                    let base = if cd { None } else { workdir.as_deref() };
                    absolute(base, d).is_some_and(|d| covers(path, &d))
                });
                if hit {
                    out.push(Adder {
                        ins,
                        what: format!("the download on line {}", ins.start_line),
                        copy: false,
                        bytes: None,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

impl Rule for RemovedInLaterLayer {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        for run in &file.instructions {
            let Some(script) = posix_script(file, run) else {
                continue;
            };
            if !shipped(file, run) {
                continue;
            }
            let calls = calls(script);
            let removals: Vec<&Word> = calls.iter().flat_map(removed_words).collect();
            if removals.is_empty() {
                continue;
            }
            let before = earlier(file, run);
            let cd = calls.iter().any(|c| c.name == "cd");
            let workdir = workdir_at(file, run);
            let resolve = |p: &str| {
                let base = if cd && !p.starts_with('/') {
                    None
                } else {
                    workdir.as_deref()
                };
                absolute(base, p)
            };
            let unpacked: Vec<String> = calls
                .iter()
                .filter_map(extracted_archive)
                .filter_map(|w| resolve(&w.value))
                .collect();
            for word in removals {
                let Some(path) = resolve(&word.value) else {
                    continue;
                };
                if path == "/" {
                    continue;
                }
                let found = adders(ctx, run, &before, &path, &unpacked);
                let Some(last) = found.last() else { continue };
                let size = found
                    .iter()
                    .map(|a| a.bytes)
                    .sum::<Option<u64>>()
                    .map(|b| format!(" ({})", human(b)))
                    .unwrap_or_default();
                let message = format!(
                    "`{}` is removed here, but {} added it in its own layer: its bytes{size} stay in the image",
                    word.value, last.what
                );
                let help = if last.copy {
                    "Hand the files to the RUN that needs them with `RUN --mount=type=bind` instead of copying them, or keep them out with `.dockerignore`"
                } else {
                    "Remove the download in the RUN that makes it"
                };
                let d = ctx.report(&Self::META, word.range, message);
                d.with_help(help);
                for a in &found {
                    d.with_related(a.ins.range, "added here");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    const CODE: &str = "SZ012";

    #[test]
    fn removal_of_copied_files_is_flagged() {
        let text = "FROM a\nCOPY vendor/ /tmp/vendor/\nRUN make\nRUN rm -rf /tmp/vendor\n";
        assert_eq!(
            findings(CODE, text),
            [(
                4,
                "/tmp/vendor".to_owned(),
                "`/tmp/vendor` is removed here, but the COPY on line 2 added it in its own layer: its bytes stay in the image"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(
            d[0].related[0].range.slice(text),
            "COPY vendor/ /tmp/vendor/"
        );
    }

    #[test]
    fn shapes() {
        // A parent directory, a glob, WORKDIR, find -delete.
        assert_eq!(
            lines(CODE, "FROM a\nCOPY big.bin /tmp/\nRUN x && rm -rf /tmp/*\n"),
            [3]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nWORKDIR /src\nCOPY . .\nRUN make install && rm -rf /src\n"
            ),
            [4]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nCOPY pkg.deb /tmp/\nRUN dpkg -i /tmp/pkg.deb; find /tmp -delete\n"
            ),
            [3]
        );
        // A download with another instruction in between.
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN curl -fsSLo /opt/x.tgz https://e.org/x.tgz\nENV A=1\nRUN rm /opt/x.tgz\n"
            ),
            [4]
        );
        // From a base stage.
        assert_eq!(
            lines(
                CODE,
                "FROM a AS base\nCOPY dist /dist\nFROM base\nRUN rm -r /dist\n"
            ),
            [4]
        );
    }

    #[test]
    fn same_layer_small_files_and_others_are_clean() {
        for text in [
            "FROM a\nRUN curl -o /tmp/x https://e.org/x && rm /tmp/x\n",
            "FROM a\nRUN curl -o /tmp/x https://e.org/x\nRUN rm /tmp/x\n",
            "FROM a\nCOPY install.sh /tmp/\nRUN /tmp/install.sh && rm /tmp/install.sh\n",
            "FROM a\nCOPY . /app\nRUN rm -rf /app/node_modules/.cache\n",
            "FROM a\nCOPY app.tgz /tmp/\nRUN tar -xzf /tmp/app.tgz -C /opt && rm /tmp/app.tgz\n",
            "FROM a\nRUN rm -rf /tmp/x\nCOPY x /tmp/x\n",
            "FROM a\nCOPY x /tmp/x\nRUN rm -rf /\n",
            "FROM a AS build\nCOPY src /src\nRUN rm -rf /src\nFROM b\nCOPY --from=build /out /out\n",
            "FROM a\nCOPY src $DIR\nRUN rm -rf /src\n",
            "FROM a\nCOPY env.yml* noop.txt /tmp/c/\nRUN x && rm -rf /tmp/c\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
