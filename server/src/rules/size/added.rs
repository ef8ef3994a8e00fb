//! Where the files of a `COPY`/`ADD` land, and the working directory an instruction runs
//! in: what the rules that follow files from the layer that added them to a later
//! instruction (a `chown`, an extraction, a removal) need to compare paths.

use crate::model::{Dockerfile, Instruction, InstructionKind, Spanned};
use crate::rules::common::{Call, join_dir, trim_dir_end};
use crate::shell::Word;

use super::earlier;

/// One source of a `COPY`/`ADD` and the absolute paths its files may land at.
#[derive(Debug, Clone)]
pub(crate) struct Copied<'a> {
    /// The `COPY`/`ADD`.
    pub ins: &'a Instruction,
    /// The source word as written.
    pub source: &'a Spanned<String>,
    /// Where the source lands: `dest/<name>` when the destination is a directory, `dest`
    /// itself for a directory source, both when the destination may be either (a file
    /// copied to `/tmp` lands in `/tmp/<name>` if `/tmp` exists).
    pub paths: Vec<String>,
}

impl Copied<'_> {
    /// The file name of the source (`dist/app.tar.gz` → `app.tar.gz`); `None` for a
    /// directory's content (`.`, `dir/`) and globs.
    pub fn file_name(&self) -> Option<&str> {
        file_name(&self.source.value)
    }
}

/// The file name of a `COPY` source, when it names one file or directory.
fn file_name(source: &str) -> Option<&str> {
    if source.ends_with('/') || source.contains(['*', '?', '[', '$']) {
        return None;
    }
    let name = source.rsplit('/').next()?;
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

/// The working directory `ins` runs in, from the `WORKDIR`s before it in its image (its
/// own stage and the stages it is built on); `None` when no `WORKDIR` says (the base
/// image's is not known) or one uses a variable.
pub(crate) fn workdir_at(file: &Dockerfile, ins: &Instruction) -> Option<String> {
    let mut dir: Option<String> = None;
    for i in earlier(file, ins) {
        if i.kind != InstructionKind::Workdir {
            continue;
        }
        let Some(word) = i.words().first() else {
            continue;
        };
        dir = if word.value.contains('$') {
            None
        } else {
            join_dir(dir.as_deref(), &word.value)
        };
    }
    dir
}

/// `path` made absolute against `workdir`, without a trailing `/`; `None` when it holds a
/// variable or is relative to an unknown directory.
pub(crate) fn absolute(workdir: Option<&str>, path: &str) -> Option<String> {
    if path.contains('$') || path.is_empty() {
        return None;
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let joined = if path == "." {
        workdir?.to_owned()
    } else {
        join_dir(workdir, path)?
    };
    Some(trim_dir_end(&joined).to_owned())
}

/// The sources of a `COPY`/`ADD` (not a heredoc one) and where they land; empty for any
/// other instruction or a destination that cannot be resolved.
pub(crate) fn copied<'a>(file: &Dockerfile, ins: &'a Instruction) -> Vec<Copied<'a>> {
    if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) || !ins.heredocs.is_empty()
    {
        return vec![];
    }
    let words = ins.words();
    let Some((dest_word, sources)) = words.split_last() else {
        return vec![];
    };
    if sources.is_empty() {
        return vec![];
    }
    let workdir = workdir_at(file, ins);
    let Some(dest) = absolute(workdir.as_deref(), &dest_word.value) else {
        return vec![];
    };
    let into_dir = dest_word.value.ends_with('/') || sources.len() > 1;
    sources
        .iter()
        .map(|source| {
            let mut paths = Vec::new();
            match file_name(&source.value) {
                Some(name) => {
                    let inside = format!("{}/{name}", dest.trim_end_matches('/'));
                    if !into_dir {
                        paths.push(dest.clone());
                    }
                    paths.push(inside);
                }
                None => paths.push(dest.clone()),
            }
            Copied { ins, source, paths }
        })
        .collect()
}

/// Whether `name` is an archive that `tar` or `unzip` unpacks.
pub(crate) fn is_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst",
        ".tzst", ".tar.lz4", ".zip",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

/// Whether `name` is a local archive that `ADD` unpacks by itself (a tar, compressed or
/// not; not a zip).
pub(crate) fn add_extracts(name: &str) -> bool {
    is_archive(name) && !name.to_ascii_lowercase().ends_with(".zip")
}

/// The bytes a `COPY`/`ADD` brought in from the build context, when the analysis was given
/// one.
pub(crate) fn context_bytes(
    analysis: &crate::layers::Analysis,
    file: &Dockerfile,
    ins: &Instruction,
) -> Option<u64> {
    let index = file
        .instructions
        .iter()
        .position(|i| std::ptr::eq(i, ins))?;
    let step = analysis
        .stages
        .iter()
        .flat_map(|s| &s.steps)
        .find(|s| s.instruction == index)?;
    (step.size.confidence == crate::layers::Confidence::Exact).then_some(step.size.high)
}

/// The archive a `tar -x` (`tar xzf a.tgz`, `tar --extract --file=a.tar`, `bsdtar`) or
/// `unzip` call unpacks, as written; `None` for other calls and for standard input.
pub(crate) fn extracted_archive<'c>(call: &'c Call<'_>) -> Option<&'c Word> {
    match &*call.name {
        "tar" | "bsdtar" | "gtar" => {
            let args = &call.args;
            let mut extract = false;
            let mut file: Option<&Word> = None;
            for (i, word) in args.iter().enumerate() {
                let a = word.value.as_str();
                if let Some(long) = a.strip_prefix("--") {
                    match long.split_once('=') {
                        Some(("file", _)) => file = Some(word),
                        None if long == "file" => file = args.get(i + 1),
                        None if matches!(long, "extract" | "get") => extract = true,
                        _ => {}
                    }
                    continue;
                }
                // `-xzf a.tgz`, or the old style `xzf a.tgz` as the first word.
                let cluster = match a.strip_prefix('-') {
                    Some(c) => c,
                    None if i == 0 && a.chars().all(|c| c.is_ascii_alphabetic()) => a,
                    None => continue,
                };
                if !cluster.chars().all(|c| c.is_ascii_alphanumeric()) {
                    continue;
                }
                extract |= cluster.contains('x');
                if let Some(at) = cluster.find('f') {
                    if at + 1 == cluster.len() {
                        file = args.get(i + 1);
                    } else {
                        // `-fa.tgz` is rare enough to leave alone.
                        file = None;
                    }
                }
            }
            let file = file.filter(|f| f.value != "-")?;
            if file.value.starts_with("--file=") {
                return None;
            }
            extract.then_some(file)
        }
        "unzip" => call
            .operands(&["-d", "-P", "-x"])
            .into_iter()
            .next()
            .filter(|w| w.value != "-"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn where_copies_land() {
        let df = parse(
            "FROM a\nWORKDIR /srv\nCOPY app.tgz /tmp\nCOPY a b dist/\nCOPY . .\nCOPY x $D\nCOPY <<EOF /x\nhi\nEOF\n",
        );
        let paths = |i: usize| -> Vec<Vec<String>> {
            copied(&df, &df.instructions[i])
                .into_iter()
                .map(|c| c.paths)
                .collect()
        };
        assert_eq!(paths(2), [["/tmp", "/tmp/app.tgz"]]);
        assert_eq!(paths(3), [["/srv/dist/a"], ["/srv/dist/b"]]);
        assert_eq!(paths(4), [["/srv"]]);
        assert!(paths(5).is_empty());
        assert!(paths(6).is_empty());
        let df = parse("FROM a\nCOPY x\n");
        assert!(copied(&df, &df.instructions[1]).is_empty());
    }

    #[test]
    fn workdirs_follow_the_stage_lineage() {
        let df = parse("FROM a AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\nRUN x\n");
        assert_eq!(
            workdir_at(&df, &df.instructions[4]).as_deref(),
            Some("/app/sub")
        );
        assert_eq!(absolute(Some("/app"), "./x/").as_deref(), Some("/app/x"));
        assert_eq!(absolute(None, "x"), None);
        assert_eq!(absolute(None, "/x/*").as_deref(), Some("/x"));
    }

    #[test]
    fn archives_that_calls_unpack() {
        let df = parse(
            "FROM a\nRUN tar -xzf /tmp/a.tgz -C /opt && tar xjf b.tbz && tar --extract --file c.tar \\\n && tar -czf d.tgz . && unzip -q -d /opt e.zip && tar -xf - && tar -C /x -xvf f.tar\n",
        );
        let script = df.instructions[1].script().expect("script");
        let found: Vec<Option<String>> = crate::rules::common::calls(script)
            .iter()
            .map(|c| extracted_archive(c).map(|w| w.value.clone()))
            .collect();
        let want = [
            Some("/tmp/a.tgz"),
            Some("b.tbz"),
            Some("c.tar"),
            None,
            Some("e.zip"),
            None,
            Some("f.tar"),
        ];
        assert_eq!(found, want.map(|w| w.map(str::to_owned)));
    }
}
