//! SZ011 `archive-copied-then-extracted`: an archive copied into a layer and unpacked by a
//! later RUN, so that the image carries it packed and unpacked.

use crate::declare_rule;
use crate::layers::size::human;
use crate::model::Instruction;
use crate::rules::common::{calls, posix_script};
use crate::rules::{Context, Rule, RuleMeta};

use super::added::{
    Copied, absolute, add_extracts, context_bytes, copied, extracted_archive, is_archive,
    workdir_at,
};
use super::{earlier, shipped};

const DOCS: &str = r"Checks for an archive that a COPY puts in a layer only for a later RUN to unpack it.

## What it does
Flags the source of a `COPY` (or an `ADD` of a URL) that is a tar or zip archive when a
later RUN of the image unpacks that very file with `tar -x` or `unzip`. Paths are resolved
against the `WORKDIR`; a relative path in a RUN that runs `cd` is not followed. The size
of the archive is shown when the build context is known.

Only stages whose layers ship are checked; a builder that is only copied from is not.

Differences from hadolint DL3010: hadolint's check is the same idea, but it matches the
archive by its file name alone (a `tar -xf` of any `app.tar.gz`), also counts `gunzip`,
`unxz` and the like, looks at `COPY` without `--from` only, and reports only in the last
stage. dlint follows the path the archive was copied to, checks every stage that ships, and
counts `COPY --from` and `ADD` of a URL, which store the archive the same way:

```dockerfile
FROM gradle:8.10-jdk21 AS builder
COPY . /src
RUN gradle -p /src distZip
FROM eclipse-temurin:21-jre
WORKDIR /app
# dlint only: the zip stays in the COPY's layer
COPY --from=builder /src/build/distributions/app-1.0.zip ./app-1.0.zip
RUN unzip app-1.0.zip && rm app-1.0.zip
```

## Why is this bad?
The COPY commits the archive to a layer, and the RUN commits its content to another:
deleting the archive afterwards cannot take it out of the first one, so the image carries
the files twice, once compressed. `ADD` unpacks a local tar archive in the layer it makes,
and a bind mount (`RUN --mount=type=bind,source=...`) hands the archive to the RUN without
storing it at all.

## Example
```dockerfile
FROM debian:bookworm-slim
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz \
    tar -xzf /tmp/app.tar.gz -C /opt
```

## References
- [Dockerfile reference: `ADD` of a local tar archive](https://docs.docker.com/reference/dockerfile/#adding-local-tar-archives)
- [Dockerfile reference: `RUN --mount=type=bind`](https://docs.docker.com/reference/dockerfile/#run---mounttypebind)
- [hadolint DL3010](https://github.com/hadolint/hadolint/wiki/DL3010)
";

declare_rule! {
    /// An archive copied into a layer and unpacked by a later RUN.
    pub struct ArchiveCopiedThenExtracted;
    code: "SZ011",
    name: "archive-copied-then-extracted",
    category: Size,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3010"),
    docs: DOCS,
}

impl Rule for ArchiveCopiedThenExtracted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        // Each archive once, at its first unpacking.
        let mut reported: Vec<usize> = Vec::new();
        for run in &file.instructions {
            let Some(script) = posix_script(file, run) else {
                continue;
            };
            if !shipped(file, run) {
                continue;
            }
            // Cheap test first: most RUNs unpack nothing.
            if !calls(script).iter().any(|c| extracted_archive(c).is_some()) {
                continue;
            }
            let copies: Vec<Copied<'_>> = earlier(file, run)
                .into_iter()
                .flat_map(|i| copied(file, i))
                .filter(|c| c.file_name().is_some_and(is_archive))
                .collect();
            if copies.is_empty() {
                continue;
            }
            let calls = calls(script);
            let cd = calls.iter().any(|c| c.name == "cd");
            let workdir = workdir_at(file, run);
            for call in calls {
                let Some(archive) = extracted_archive(call) else {
                    continue;
                };
                let base = if cd && !archive.value.starts_with('/') {
                    None
                } else {
                    workdir.as_deref()
                };
                let Some(path) = absolute(base, &archive.value) else {
                    continue;
                };
                let Some(copy) = copies.iter().rev().find(|c| c.paths.contains(&path)) else {
                    continue;
                };
                if reported.contains(&copy.source.range.start) {
                    continue;
                }
                reported.push(copy.source.range.start);
                report(ctx, copy, run, call.span(), &call.name);
            }
        }
    }
}

fn report(
    ctx: &mut Context<'_>,
    copy: &Copied<'_>,
    run: &Instruction,
    unpack: crate::text::TextRange,
    program: &str,
) {
    let name = copy.file_name().unwrap_or(&copy.source.value).to_owned();
    let size = context_bytes(ctx.analysis(), ctx.file, copy.ins)
        .map(|b| format!(" ({})", human(b)))
        .unwrap_or_default();
    let message = format!(
        "`{name}`{size} is copied into a layer and unpacked by `{program}` on line {}: the image keeps the archive as well as its content",
        run.start_line
    );
    let remote = copy.source.value.contains("://");
    let from = copy
        .ins
        .flag("from")
        .and_then(|f| f.value_str())
        .map(|s| format!("from={s},"))
        .unwrap_or_default();
    let mount = format!(
        "`RUN --mount=type=bind,{from}source={},target={} ...`",
        copy.source.value,
        copy.paths.last().map_or("", String::as_str)
    );
    let help = if remote {
        "Download and unpack it in one RUN (`curl -fsSL <url> | tar -xz -C <dir>`)".to_owned()
    } else if from.is_empty() && add_extracts(&name) {
        format!(
            "Use `ADD {} <dir>/`, which unpacks a local tar archive, or mount it for the RUN: {mount}",
            copy.source.value
        )
    } else {
        format!("Mount it for the RUN instead of copying it: {mount}")
    };
    ctx.report(
        &ArchiveCopiedThenExtracted::META,
        copy.source.range,
        message,
    )
    .with_help(help)
    .with_related(unpack, "unpacked here");
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    const CODE: &str = "SZ011";

    #[test]
    fn copied_then_unpacked_is_flagged() {
        let text = "FROM a\nCOPY dist/app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n";
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "dist/app.tar.gz".to_owned(),
                "`app.tar.gz` is copied into a layer and unpacked by `tar` on line 3: the image keeps the archive as well as its content"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(
            d[0].related[0].range.slice(text),
            "tar -xzf /tmp/app.tar.gz -C /opt"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Use `ADD dist/app.tar.gz <dir>/`, which unpacks a local tar archive, or mount it for the RUN: `RUN --mount=type=bind,source=dist/app.tar.gz,target=/tmp/app.tar.gz ...`"
            )
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nWORKDIR /src\nCOPY x.zip .\nRUN unzip x.zip -d /opt && rm x.zip\n"
            ),
            [3]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nCOPY a.tgz /tmp/a.tgz\nRUN cd /tmp && tar xzf /tmp/a.tgz\n"
            ),
            [2]
        );
        let d = diagnostics(
            CODE,
            "FROM a AS b\nRUN x\nFROM c\nCOPY --from=b /out/a.tar /tmp/\nRUN tar -xf /tmp/a.tar\n",
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Mount it for the RUN instead of copying it: `RUN --mount=type=bind,from=b,source=/out/a.tar,target=/tmp/a.tar ...`"
            )
        );
        // One finding per archive.
        assert_eq!(
            lines(
                CODE,
                "FROM a\nCOPY a.tar /\nRUN tar -tf /a.tar\nRUN tar -xf /a.tar\nRUN tar -xf /a.tar\n"
            ),
            [2]
        );
    }

    #[test]
    fn other_files_and_builders_are_clean() {
        for text in [
            "FROM a\nADD app.tar.gz /opt/\n",
            "FROM a\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/other.tar.gz\n",
            "FROM a\nCOPY app.tar.gz /tmp/\nRUN tar -czf /tmp/app.tar.gz /opt\n",
            "FROM a\nCOPY app.tar.gz /tmp/\nRUN cd /tmp && tar -xzf app.tar.gz\n",
            "FROM a\nRUN --mount=type=bind,source=a.tgz,target=/a.tgz tar -xzf /a.tgz\n",
            "FROM a AS build\nCOPY a.tgz /\nRUN tar -xzf /a.tgz\nFROM b\nCOPY --from=build /out /out\n",
            "FROM a\nRUN tar -xzf /a.tgz\nCOPY a.tgz /\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
