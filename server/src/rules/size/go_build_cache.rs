//! SZ009 `go-build-cache`: `go build` in a single-stage image that keeps the build cache.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{Call, calls};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::{
    checked_script, earlier, later, layer, mounted_like, mounted_over, removes, shown_subcommand,
};

const DOCS: &str = r"Checks for `go build` in a single-stage image that leaves the Go build cache in a layer.

## What it does
Flags `go build`, `go install`, `go test` and `go run`, which fill the build cache
(`/root/.cache/go-build`, or `GOCACHE`), and `go mod download`, which fills the module
cache (`/go/pkg/mod`, or `GOMODCACHE`), unless the RUN mounts a cache over that directory
or cleans it later in the same RUN (`go clean -cache`, `go clean -modcache`, or an `rm` of
the directory). A cache directory set with a variable (`GOCACHE=$PWD/.gocache`) is the
author's to manage and is not flagged. `go get` is not flagged: what it leaves depends on
the Go version and `GO111MODULE`.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`. Most Go images are built in a
builder stage that is only copied from (`COPY --from=build /app /app`); its caches go
away with it and are not flagged.

Known limitations: a command inside a string (`sh -c '...'`) is not seen, though a cleanup
there is.

## Why is this bad?
The build cache holds compiled packages for everything the build touched and the module
cache the source of every dependency: easily hundreds of megabytes that the compiled
program does not need at run time, and that a later RUN cannot remove from the layer.

## Example
```dockerfile
FROM golang:1.23
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app .
```

Use instead:
```dockerfile
FROM golang:1.23
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -o /usr/local/bin/app .
```

Better still, build in a separate stage and copy only the binary into a small final
image.

## References
- [Go: build and test caching](https://pkg.go.dev/cmd/go#hdr-Build_and_test_caching)
- [Docker: Go cache mounts](https://docs.docker.com/build/cache/optimize/#use-cache-mounts)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
";

declare_rule! {
    /// `go build` in a single-stage image without a cache mount or `go clean -cache`.
    pub struct GoBuildCache;
    code: "SZ009",
    name: "go-build-cache",
    category: Size,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cache {
    Build,
    Modules,
}

impl Cache {
    fn env(self) -> &'static str {
        match self {
            Self::Build => "GOCACHE",
            Self::Modules => "GOMODCACHE",
        }
    }

    fn defaults(self) -> &'static [&'static str] {
        match self {
            Self::Build => &["/root/.cache/go-build"],
            Self::Modules => &["/go/pkg/mod", "~/go/pkg/mod"],
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Build => "go-build",
            Self::Modules => "pkg/mod",
        }
    }

    fn clean_flag(self) -> &'static str {
        match self {
            Self::Build => "-cache",
            Self::Modules => "-modcache",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::Build => "the Go build cache",
            Self::Modules => "the Go module cache",
        }
    }
}

/// The subcommand word and the cache a `go` call fills.
fn fills<'c>(call: &'c Call<'_>) -> Option<(&'c Word, Cache)> {
    if call.name != "go" {
        return None;
    }
    let sub = call.subcommand(&["-C"])?;
    let cache = match sub.value.as_str() {
        "build" | "install" | "test" | "run" => Cache::Build,
        "mod" if call.arg_after(sub).is_some_and(|w| w.value == "download") => Cache::Modules,
        _ => return None,
    };
    Some((sub, cache))
}

/// The cache directory: `GOCACHE`/`GOMODCACHE` from the command or an earlier `ENV`.
fn configured_dir(
    ctx: &Context<'_>,
    ins: &Instruction,
    calls: &[Call<'_>],
    call: &Call<'_>,
    cache: Cache,
) -> Option<String> {
    if let Some(v) = call.env_value(cache.env()) {
        return Some(v.to_owned());
    }
    // `export GOCACHE=...` earlier in the RUN.
    let prefix = format!("{}=", cache.env());
    let exported = calls
        .iter()
        .filter(|c| c.index < call.index && matches!(&*c.name, "export" | "declare" | "typeset"))
        .flat_map(|c| c.args.iter())
        .filter_map(|w| w.value.strip_prefix(&prefix))
        .next_back();
    if let Some(v) = exported {
        return Some(v.to_owned());
    }
    earlier(ctx.file, ins)
        .into_iter()
        .rev()
        .filter(|i| i.kind == InstructionKind::Env)
        .find_map(|i| {
            i.words().iter().find_map(|w| {
                w.value
                    .split_once('=')
                    .filter(|(n, _)| *n == cache.env())
                    .map(|(_, v)| v.trim_matches('"').to_owned())
            })
        })
}

impl Rule for GoBuildCache {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        let calls = calls(script);
        for cache in [Cache::Build, Cache::Modules] {
            let offender = calls.iter().rev().find_map(|c| {
                let (sub, kind) = fills(c).filter(|(_, k)| *k == cache)?;
                let configured = configured_dir(ctx, ins, calls, c, cache);
                // A directory chosen with a variable (`GOCACHE=$PWD/.gocache`) is one
                // the author manages; where it ends up is not known here.
                if configured
                    .as_deref()
                    .is_some_and(|d| d.contains('$') || !d.starts_with(['/', '~']))
                {
                    return None;
                }
                // Where the home directory is unknown, a mount ending in `go-build` counts.
                let guessed = configured.is_none() && mounted_like(ins, &[cache.suffix()]);
                let dirs: Vec<String> = match configured {
                    Some(dir) => vec![dir],
                    None => cache.defaults().iter().map(|d| (*d).to_owned()).collect(),
                };
                let mounted = guessed || dirs.iter().any(|d| mounted_over(ins, d));
                let cleaned = later(calls, c.index, |l| {
                    dirs.iter().any(|d| removes(l, d))
                        || (l.name == "go"
                            && l.subcommand(&["-C"]).is_some_and(|w| w.value == "clean")
                            && l.args.iter().any(|a| a.value == kind.clean_flag()))
                });
                (!mounted && !cleaned).then_some((c, sub, dirs))
            });
            let Some((call, sub, dirs)) = offender else {
                continue;
            };
            // `go mod download`: the subcommand is two words.
            let (last, shown) = shown_subcommand(call, sub, sub.value == "mod");
            let dir = dirs.first().map_or("", String::as_str);
            let message = format!(
                "`{shown}` leaves {} ({dir}) in {}",
                cache.description(),
                layer(ins)
            );
            let _ = ctx
                .report(&Self::META, call.range_to(last), message)
                .with_help(format!(
                    "Mount a cache (`RUN --mount=type=cache,target={dir}`), or build in a separate stage and copy only the result"
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SZ009";

    #[test]
    fn build_in_a_single_stage_is_flagged() {
        assert_eq!(
            findings(CODE, "FROM golang:1.23\nRUN go build -o /app .\n"),
            [(
                2,
                "go build".to_owned(),
                "`go build` leaves the Go build cache (/root/.cache/go-build) in this layer (line 2)"
                    .to_owned()
            )]
        );
        assert_eq!(
            findings(CODE, "FROM golang:1.23\nRUN go mod download\n")[0].2,
            "`go mod download` leaves the Go module cache (/go/pkg/mod) in this layer (line 2)"
        );
    }

    #[test]
    fn spellings_and_shapes() {
        for (text, n) in [
            // A multi-stage file whose shipped stage builds.
            (
                "FROM g AS tools\nRUN echo\nFROM g\nCOPY --from=tools /x /x\nRUN go build .\n",
                1,
            ),
            (
                "FROM g AS build\nRUN go build .\nFROM build AS final\nRUN true\n",
                1,
            ),
            (
                "FROM g\nRUN CGO_ENABLED=0 GOOS=linux go build -ldflags '-s -w' ./cmd/x\n",
                1,
            ),
            (
                "FROM g\nRUN go install golang.org/x/tools/gopls@latest\n",
                1,
            ),
            ("FROM g\nRUN go mod download && go build ./...\n", 2),
            ("FROM g\nRUN set -eux; \\\n  go -C /src build .\n", 1),
            ("FROM g\nRUN <<EOF\ngo build .\nEOF\n", 1),
            ("FROM g\nRUN go build . && go clean -modcache\n", 1),
            (
                "FROM g\nRUN --mount=type=cache,target=/go/pkg/mod go build .\n",
                1,
            ),
            (
                "FROM g\nENV GOCACHE=/gocache\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n",
                1,
            ),
        ] {
            assert_eq!(lines(CODE, text).len(), n, "{text}");
        }
    }

    #[test]
    fn mounted_cleaned_or_multi_stage_is_clean() {
        for text in [
            "FROM g\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n",
            "FROM g\nRUN --mount=type=cache,target=/root/.cache go install ./cmd/x\n",
            "FROM g\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    go mod download && go build .\n",
            "FROM g\nRUN go build . && go clean -cache -modcache\n",
            "FROM g\nRUN go build . && rm -rf /root/.cache/go-build\n",
            "FROM g\nRUN go install x && rm -rf $(go env GOCACHE)\n",
            "FROM g\nRUN go mod download && rm -rf /go/pkg/mod\n",
            "FROM g\nENV GOCACHE=/gocache\nRUN --mount=type=cache,target=/gocache go build .\n",
            "FROM g\nRUN GOCACHE=/tmp/gc go build . && rm -rf /tmp/gc\n",
            "FROM g\nRUN export GOCACHE=/tmp/gc; go build . && rm -rf /tmp/gc\n",
            "FROM g\nRUN cd /src && export GOCACHE=\"$PWD/.gocache\" && go install ./cmd/x && rm -rf /src\n",
            "FROM g AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
            "FROM g AS base\nFROM base AS build\nRUN go build -o /app .\nFROM base\nCOPY --from=build /app /app\n",
            "FROM g\nRUN go version && go env && go vet ./... && go fmt ./...\n",
            "FROM g\nRUN go get golang.org/x/lint/golint\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
