//! MA019 `unpinned-go-install`: `go install pkg@latest` and other moving versions.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::Call;
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::check_calls;

const DOCS: &str = r"Checks for `go install` of a module at a version that moves, such as `@latest`.

## What it does
Flags each package given to `go install` or `go run` at a version query that resolves to
something new over time: `@latest`, `@upgrade`, `@patch`, and the branches `@master`,
`@main` and `@HEAD`. A semantic version (`@v0.16.1`), a pseudo-version or a commit hash
pins it; a word that holds a variable (`@${GOPLS_VERSION}`) is left alone.

A path without `@` is not flagged there: since Go 1.16, `go install` builds it at the
version the current module's `go.mod` requires (a pin, with checksums in `go.sum`), and
fails outside a module. Local packages (`.`, `./cmd/...`) are built from the build context.

`go get` is flagged for a remote package (a path whose first element is a domain,
`github.com/...`) without a version, as well as at a moving one: it takes the newest
version, recorded in `go.mod` (module mode) or built into `$GOPATH/bin` (GOPATH mode, the
`go get` of older images).

Differences from hadolint DL3062: hadolint flags a `go install` path without `@` (which the
module's `go.sum` pins, as above) and `go get` of a pinned version (`@v0.6.3`), and lets the
branches `@master`, `@main` and `@HEAD` pass; dlint flags what moves and nothing else:

```dockerfile
FROM golang:1.22
WORKDIR /src
COPY go.mod go.sum ./
# hadolint DL3062 here; dlint: fine, go.mod and go.sum pin the version
RUN go install github.com/golangci/golangci-lint/cmd/golangci-lint
# dlint only: a branch moves like @latest
RUN go install golang.org/x/tools/gopls@master
```

## Why is this bad?
`@latest` installs whatever version was newest on the day of the build: a new release of
the tool, or of the Go version it requires, can change or break the image without any
change to the Dockerfile. A version pins the module and, through the module's `go.sum`, all
of its dependencies.

## Example
```dockerfile
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@latest
```

Use instead:
```dockerfile
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@v0.16.1
```

## References
- [Best practices: pin versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [go install](https://go.dev/ref/mod#go-install)
- [Module version queries](https://go.dev/ref/mod#version-queries)
- [hadolint DL3062](https://github.com/hadolint/hadolint/wiki/DL3062)
";

declare_rule! {
    /// `go install pkg@latest` and other moving versions.
    pub struct UnpinnedGoInstall;
    code: "MA019",
    name: "unpinned-go-install",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3062"),
    docs: DOCS,
}

/// Build flags of `go` that take a separate value.
const GO_VALUE_OPTIONS: &[&str] = &[
    "-C",
    "-p",
    "-o",
    "-asmflags",
    "-buildmode",
    "-buildvcs",
    "-compiler",
    "-gccgoflags",
    "-gcflags",
    "-installsuffix",
    "-ldflags",
    "-mod",
    "-modfile",
    "-overlay",
    "-pgo",
    "-pkgdir",
    "-tags",
    "-toolexec",
    "-exec",
];

/// Version queries that resolve to a newer version as time goes by.
const MOVING: &[&str] = &["latest", "upgrade", "patch", "master", "main", "HEAD"];

/// The package words of a `go install`, `go run` or `go get` at a moving version, and of a
/// `go get` of a remote package without a version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    if call.name != "go" {
        return Vec::new();
    }
    let Some(sub) = call.subcommand_in(GO_VALUE_OPTIONS, &["install", "run", "get"]) else {
        return Vec::new();
    };
    let get = sub.value == "get";
    let operands = call.operands(GO_VALUE_OPTIONS);
    // `go run` runs its first package; what follows are the program's arguments.
    let packages = if sub.value == "run" {
        &operands[1..operands.len().min(2)]
    } else {
        &operands[1..]
    };
    packages
        .iter()
        .copied()
        .filter(|w| match w.value.rsplit_once('@') {
            Some((_, version)) => MOVING.contains(&version),
            // A remote path: its first element names a host.
            None => {
                get && !w.value.contains('$')
                    && !w.value.starts_with(['.', '/'])
                    && w.value
                        .split('/')
                        .next()
                        .is_some_and(|host| host.contains('.'))
            }
        })
        .collect()
}

impl Rule for UnpinnedGoInstall {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        check_calls(
            ins,
            ctx,
            &Self::META,
            None,
            unpinned,
            |_: &Call<'_>, p: &str| {
                let path = p.rsplit_once('@').map_or(p, |(path, _)| path);
                format!("{path}@v<version>")
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA019";

    #[test]
    fn moving_versions_are_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN go install -ldflags '-s -w' golang.org/x/tools/gopls@latest example.com/x@v1.2.3\n"
            ),
            [(
                2,
                "golang.org/x/tools/gopls@latest".to_owned(),
                "`golang.org/x/tools/gopls@latest` is installed by `go` without a pinned version"
                    .to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN CGO_ENABLED=0 go install github.com/a/b/cmd/b@master\n"
            ),
            [2]
        );
    }

    #[test]
    fn go_get_of_the_newest_and_go_run_at_latest_are_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN go get -u github.com/hashicorp/nomad && go get example.com/x@latest\n\
                 RUN go run golang.org/x/tools/cmd/stringer@latest -type=T\n"
            )
            .into_iter()
            .map(|(l, s, _)| (l, s))
            .collect::<Vec<_>>(),
            [
                (2, "github.com/hashicorp/nomad".to_owned()),
                (2, "example.com/x@latest".to_owned()),
                (3, "golang.org/x/tools/cmd/stringer@latest".to_owned()),
            ]
        );
    }

    #[test]
    fn versions_and_module_builds_are_clean() {
        for text in [
            "FROM a\nRUN go install example.com/x@v1.2.3 example.com/y@${Y_VERSION}\n",
            "FROM a\nRUN go install ./cmd/... && go install . && go install example.com/tool\n",
            "FROM a\nRUN go get example.com/x@v1.2.3 && go get -d ./... && go build -o /app .\n",
            "FROM a\nRUN go run ./cmd/gen && go run example.com/gen@v1.0.0 example.com/x@latest\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
