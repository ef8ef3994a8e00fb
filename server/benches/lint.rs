//! Lint cost per file, split by phase and by rule: what a language-server keystroke pays.
//!
//! ```text
//! cargo bench --bench lint -- [FILE ...] [--reps N] [--cold] [--top N]
//! ```
//!
//! For each file (default: a multi-stage Dockerfile written for this bench) it times, as
//! the median of `--reps` runs (default 200): the parse, the layer analysis, the whole
//! lint pipeline of `dlint check` and the language server (`dlint::lint::lint_with_analysis`
//! with every rule), and each rule on its own over the shared analysis, listing the `--top`
//! most expensive rules (default 15). RUN bodies are parsed once per process and cached,
//! as in the language server; `--cold` empties that cache before every run, as for a file
//! seen for the first time. Run as a test (`cargo test --benches`), it does one quick
//! round on the built-in file so that it cannot rot.

#![expect(
    clippy::print_stdout,
    reason = "printing the report is this bench's job"
)]

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use dlint::config::RuleSet;
use dlint::rules::{self, FileFacts};

const BUILT_IN: &str = r#"# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y build-essential libssl-dev git curl \
    && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN go build -o /out/server ./cmd/server && strip /out/server
FROM python:3.12-slim AS tools
RUN pip install requests==2.32.3 boto3 && curl -fsSL https://example.com/x.sh | sh
RUN apt-get update
RUN apt-get install -y jq
ENV PATH=/opt/tools/bin:$PATH LANG=C.UTF-8
FROM debian:bookworm-slim
COPY --from=build /out/server /usr/local/bin/server
RUN useradd -u 10001 app && chown -R app /usr/local/bin
USER app
EXPOSE 8080
HEALTHCHECK CMD ["/usr/local/bin/server", "-health"]
ENTRYPOINT ["/usr/local/bin/server"]
"#;

struct Options {
    files: Vec<String>,
    reps: usize,
    cold: bool,
    top: usize,
    quick: bool,
}

fn options() -> Result<Options, String> {
    let mut out = Options {
        files: Vec::new(),
        reps: 200,
        cold: false,
        top: 15,
        quick: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--bench" => out.quick = false,
            "--reps" => out.reps = number("--reps")?.max(1),
            "--top" => out.top = number("--top")?,
            "--cold" => out.cold = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file => out.files.push(file.to_owned()),
        }
    }
    if out.quick {
        out.reps = 3;
    }
    Ok(out)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn time<T>(reps: usize, cold: bool, mut f: impl FnMut() -> T) -> Duration {
    let _ = black_box(f());
    median(
        (0..reps)
            .map(|_| {
                if cold {
                    dlint::shell::clear_cache();
                }
                let start = Instant::now();
                let _ = black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn us(d: Duration) -> String {
    format!("{:8.1} µs", d.as_secs_f64() * 1e6)
}

fn report(name: &str, text: &str, opts: &Options) {
    let reps = opts.reps;
    let cold = opts.cold;
    let parse = time(reps, cold, || dlint::syntax::parse(text));
    let file = dlint::syntax::parse(text);
    let analysis = time(reps, cold, || {
        let file = dlint::syntax::parse(text);
        dlint::layers::analyze(&file, &dlint::layers::Options::default())
    })
    .saturating_sub(parse);
    let all = RuleSet::all();
    let lint = time(reps, cold, || {
        let file = dlint::syntax::parse(text);
        let analysis = dlint::layers::analyze(&file, &dlint::layers::Options::default());
        dlint::lint::lint_with_analysis(&file, text, None, &all, Some(&analysis))
    });
    let findings = {
        let analysis = dlint::layers::analyze(&file, &dlint::layers::Options::default());
        dlint::lint::lint_with_analysis(&file, text, None, &all, Some(&analysis))
            .diagnostics
            .len()
    };
    println!(
        "{name}: {} lines, {} bytes, {} instructions, {findings} findings ({} run{})",
        text.lines().count(),
        text.len(),
        file.instructions.len(),
        if cold { "cold" } else { "warm" },
        if reps == 1 { "" } else { "s, median" },
    );
    println!("  parse               {}", us(parse));
    println!("  + layer analysis    {}", us(analysis));
    println!("  parse+analysis+lint {}  (every rule)", us(lint));
    // Each rule alone over one prepared file: parsed, RUN scripts read, analysed; what is
    // left is the rule's own work.
    let analysis = dlint::layers::analyze(&file, &dlint::layers::Options::default());
    let scripts = time(reps, cold, || {
        let file = dlint::syntax::parse(text);
        file.instructions
            .iter()
            .filter(|i| i.effective().script().is_some())
            .count()
    })
    .saturating_sub(parse);
    println!("  RUN scripts (shell)  {}", us(scripts));
    let rules_only = time(reps, false, || {
        rules::run_rules_with(
            &file,
            text,
            all.instantiate(),
            &FileFacts::default(),
            Some(&analysis),
        )
    });
    println!("  every rule, prepared {}", us(rules_only));
    let mut per_rule: Vec<(Duration, &str, &str)> = rules::registry()
        .iter()
        .map(|entry| {
            let d = time(reps, false, || {
                rules::run_rules_with(
                    &file,
                    text,
                    vec![(entry.new)()],
                    &FileFacts::default(),
                    Some(&analysis),
                )
            });
            (d, entry.meta.code, entry.meta.name)
        })
        .collect();
    per_rule.sort_by_key(|r| std::cmp::Reverse(r.0));
    println!("  most expensive rules, each alone on the prepared file:");
    for (d, code, rule) in per_rule.iter().take(opts.top) {
        println!("    {code} {rule:<34} {}", us(*d));
    }
}

fn main() -> ExitCode {
    let opts = match options() {
        Ok(opts) => opts,
        Err(err) => {
            eprintln!(
                "lint bench: {err}\nusage: cargo bench --bench lint -- [FILE ...] [--reps N] [--cold] [--top N]"
            );
            return ExitCode::from(2);
        }
    };
    if opts.files.is_empty() {
        report("built-in multi-stage", BUILT_IN, &opts);
    }
    for path in &opts.files {
        match std::fs::read_to_string(path) {
            Ok(text) => report(path, &text, &opts),
            Err(err) => {
                eprintln!("lint bench: {path}: {err}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
