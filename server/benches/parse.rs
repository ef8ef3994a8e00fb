//! Parser throughput: `dlint::syntax::parse` on a few Dockerfiles written for this bench,
//! and, when the corpus is on this machine, on the whole corpus as one input set.
//!
//! `cargo bench --bench parse`. The corpus group reads `../shared/corpus/files` next to
//! the crate (or `$DLINT_CORPUS/files`); it is skipped when that is missing and when the
//! bench runs as a test, so nothing in the project depends on it.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A small single-stage image.
const SMALL: &str = r#"FROM node:20-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production PORT=8080
EXPOSE 8080
USER node
CMD ["node", "server.js"]
"#;

/// Multi-stage build with directives, flags, mounts, heredocs, ONBUILD and HEALTHCHECK.
const MULTI_STAGE: &str = r#"# syntax=docker/dockerfile:1
# check=error=true
ARG GO_VERSION=1.22
ARG ALPINE_VERSION=3.19

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS base
ENV CGO_ENABLED=0 \
    GOFLAGS="-trimpath -mod=readonly"
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download -x

FROM base AS build
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -ldflags "-s -w" -o /out/server ./cmd/server

FROM base AS test
RUN <<EOF
set -eu
go vet ./...
go test -race -count=1 ./...
EOF

FROM alpine:${ALPINE_VERSION} AS runtime
LABEL org.opencontainers.image.title="server" \
      org.opencontainers.image.description="An example service" \
      org.opencontainers.image.licenses="MIT"
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S app && adduser -S -G app app
COPY --from=build --chown=app:app --chmod=0755 /out/server /usr/local/bin/server
COPY --link <<-"EOT" /etc/server/config.yaml
	listen: ":8080"
	log_level: info
	EOT
ONBUILD COPY ./overrides /etc/server/overrides
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD ["wget", "-q", "-O-", "http://127.0.0.1:8080/healthz"]
USER app:app
EXPOSE 8080/tcp
VOLUME ["/var/lib/server"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["--config", "/etc/server/config.yaml"]
"#;

/// Long continued RUN lines with comment lines and empty lines inside continuations.
const CONTINUATIONS: &str = r#"FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
# build tools
        build-essential \
        ca-certificates \
        curl \
        git \
        gnupg \
# libraries
        libffi-dev \
        libssl-dev \
        libxml2-dev \
        libxslt1-dev \
        zlib1g-dev \

        pkg-config \
        unzip \
        xz-utils \
    ; \
    rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://example.invalid/install.sh -o /tmp/install.sh \
    && echo "0123456789abcdef  /tmp/install.sh" | sha256sum -c - \
    && sh /tmp/install.sh --prefix=/opt/tool \
    && rm /tmp/install.sh
ENV PATH=/opt/tool/bin:$PATH \
    TOOL_HOME=/opt/tool \
    TOOL_OPTS="--quiet --no-color"
"#;

/// A Windows image: backtick escape directive, PowerShell SHELL, legacy ENV form.
const WINDOWS: &str = r#"# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ENV TOOL_VERSION 2.4.1
RUN Invoke-WebRequest -UseBasicParsing -Uri "https://example.invalid/tool-$env:TOOL_VERSION.zip" -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip; `
    $env:PATH = 'C:\tool;' + $env:PATH; `
    [Environment]::SetEnvironmentVariable('PATH', $env:PATH, [EnvironmentVariableTarget]::Machine)
WORKDIR C:\app
COPY . C:\app
CMD ["C:\\tool\\tool.exe", "serve"]
"#;

/// A large file made of many similar stages.
fn many_stages(stages: usize) -> String {
    let mut out = String::from("ARG BASE=debian:bookworm-slim\n");
    for i in 0..stages {
        let _ = write!(
            out,
            "FROM ${{BASE}} AS stage{i}\n\
             ARG VERSION_{i}=1.{i}.0\n\
             ENV STAGE={i} \\\n    VERSION=${{VERSION_{i}}}\n\
             RUN apt-get update \\\n    && apt-get install -y --no-install-recommends pkg{i} \\\n    && rm -rf /var/lib/apt/lists/*\n\
             COPY --from=stage{prev} /out /in\n\
             RUN [\"/bin/sh\", \"-c\", \"make -C /in stage{i}\"]\n",
            prev = i.saturating_sub(1),
        );
    }
    out
}

fn embedded(c: &mut Criterion) {
    let large = many_stages(200);
    let inputs: [(&str, &str); 5] = [
        ("small", SMALL),
        ("multi_stage", MULTI_STAGE),
        ("continuations", CONTINUATIONS),
        ("windows", WINDOWS),
        ("many_stages", &large),
    ];
    let mut group = c.benchmark_group("parse");
    for (name, text) in inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| dlint::syntax::parse(black_box(text)));
        });
    }
    group.finish();
}

/// Every UTF-8 file under `dir`, recursively.
fn read_all(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            read_all(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push(text);
        }
    }
}

fn corpus(c: &mut Criterion) {
    // Run as a test (`cargo test --benches`), benches get no `--bench`: stay off ../shared.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let root = std::env::var_os("DLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    let mut texts = vec![];
    read_all(&root.join("files"), &mut texts);
    if texts.is_empty() {
        eprintln!(
            "parse bench: no corpus at {}, skipping the corpus group",
            root.display()
        );
        return;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("corpus");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(
        BenchmarkId::new("parse_all", format!("{}_files", texts.len())),
        |b| {
            b.iter(|| {
                for text in &texts {
                    black_box(dlint::syntax::parse(black_box(text)));
                }
            });
        },
    );
    group.finish();
}

criterion_group!(benches, embedded, corpus);
criterion_main!(benches);
