//! SE006 `remote-script-piped-to-shell`: a download run straight by a shell
//! (`curl … | sh`).

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{Call, calls, posix_script};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Operator;

const DOCS: &str = r#"Checks for scripts downloaded and run in one go, such as `curl … | sh`.

## What it does
Flags a RUN that pipes `curl` or `wget` into a shell or interpreter (`sh`, `bash`, `zsh`,
`python`, `perl`, ...), or hands a shell the output of a download as its script:
`sh -c "$(curl …)"`, `bash <(wget -O- …)`.

## Why is this bad?
The script that runs is whatever the server sends that day: nothing pins or verifies it, so
a compromised or changed host, or a truncated download, runs arbitrary code in the build
and bakes its result into the image. It also makes the build unreproducible. Downloading to
a file and checking a known checksum first (or `ADD --checksum=sha256:…`) makes the content
fixed and reviewable.

This rule is informational: installers distributed this way are common, and the fix needs a
checksum only a person can look up.

## Example
```dockerfile
FROM debian:12
RUN curl -fsSL https://example.com/install.sh | sh
```

Use instead:
```dockerfile
FROM debian:12
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/install.sh /tmp/install.sh
RUN sh /tmp/install.sh
```

## References
- [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
- [Best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
"#;

declare_rule! {
    /// A download run straight by a shell.
    pub struct RemoteScriptPipedToShell;
    code: "SE006",
    name: "remote-script-piped-to-shell",
    category: Security,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

fn is_download(name: &str) -> bool {
    matches!(name, "curl" | "wget")
}

/// Programs that run a script read from standard input or named as an argument.
fn is_interpreter(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "perl" | "ruby" | "node" | "php"
    ) || name
        .strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether an argument of an interpreter is the output of a download: `"$(curl …)"`,
/// `<(wget …)`, `` `curl …` ``.
fn downloaded_argument(call: &Call<'_>) -> bool {
    call.arg_values().any(|a| {
        ["$(", "<(", "`"].iter().any(|open| {
            a.find(open).is_some_and(|i| {
                let inner = a[i + open.len()..].trim_start();
                let program = inner.split_whitespace().next().unwrap_or_default();
                is_download(crate::rules::common::base_name(program))
            })
        })
    })
}

impl Rule for RemoteScriptPipedToShell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        let calls = calls(script);
        for (i, call) in calls.iter().enumerate() {
            let piped = is_download(&call.name)
                && script.commands.get(call.index).and_then(|c| c.next) == Some(Operator::Pipe);
            if piped {
                let Some(next) = calls.get(i + 1).filter(|n| n.index == call.index + 1) else {
                    continue;
                };
                if is_interpreter(&next.name) {
                    let range = call.program.range.cover(next.span());
                    ctx.report(
                        &Self::META,
                        range,
                        format!("The output of `{}` is run by `{}` unverified", call.name, next.name),
                    )
                    .with_help("Download to a file and check its checksum (`ADD --checksum=sha256:…`, `sha256sum -c`) before running it");
                }
            } else if is_interpreter(&call.name) && downloaded_argument(call) {
                ctx.report(
                    &Self::META,
                    call.span(),
                    format!("`{}` runs a downloaded script unverified", call.name),
                )
                .with_help("Download to a file and check its checksum (`ADD --checksum=sha256:…`, `sha256sum -c`) before running it");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SE006";

    #[test]
    fn downloads_run_by_a_shell_are_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN curl -fsSL https://x/i.sh | sudo -E bash -\n"
            ),
            [(
                2,
                "curl -fsSL https://x/i.sh | sudo -E bash -".to_owned(),
                "The output of `curl` is run by `bash` unverified".to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN wget -qO- https://x | python3 -\nRUN sh -c \"$(curl -fsSL https://x)\"\n\
                 RUN bash <(wget -O- https://x)\nRUN set -e; curl -sL https://x | sh -s -- -y\n"
            ),
            [2, 3, 4, 5]
        );
    }

    #[test]
    fn other_pipes_and_downloads_are_clean() {
        for text in [
            "FROM a\nRUN curl -fsSL https://x/k.gpg | gpg --dearmor -o /k.gpg\n",
            "FROM a\nRUN curl -fsSLo i.sh https://x && sha256sum -c s && sh i.sh\n",
            "FROM a\nRUN curl -sL https://x | tar xz\n",
            "FROM a\nRUN echo hi | sh\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
