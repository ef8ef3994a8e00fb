//! MA019 `unpinned-go-install`: `go install pkg@latest` and other moving versions.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::Call;
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::check_calls;

const DOCS: &str = r"Checks for `go install` of a module at a version that moves, such as `@latest`.

## What it does
Flags each package given to `go install` at a version query that resolves to something
new over time: `@latest`, `@upgrade`, `@patch`, and the branches `@master`, `@main` and
`@HEAD`. A semantic version (`@v0.16.1`), a pseudo-version or a commit hash pins it; a
word that holds a variable (`@${GOPLS_VERSION}`) is left alone.

A path without `@` is not flagged: since Go 1.16, `go install` builds it at the version
the current module's `go.mod` requires (a pin, with checksums in `go.sum`), and fails
outside a module. Local packages (`.`, `./cmd/...`) are built from the build context.
hadolint has no such check.

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
    upstream: None,
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

/// The package words of a `go install` at a moving version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    if call.name != "go" || call.subcommand_in(GO_VALUE_OPTIONS, &["install"]).is_none() {
        return Vec::new();
    }
    call.operands(GO_VALUE_OPTIONS)
        .into_iter()
        .skip(1)
        .filter(|w| {
            w.value
                .rsplit_once('@')
                .is_some_and(|(_, version)| MOVING.contains(&version))
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
    fn versions_and_module_builds_are_clean() {
        for text in [
            "FROM a\nRUN go install example.com/x@v1.2.3 example.com/y@${Y_VERSION}\n",
            "FROM a\nRUN go install ./cmd/... && go install . && go install example.com/tool\n",
            "FROM a\nRUN go get example.com/x@latest && go build -o /app .\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
