//! CO013 `expose-invalid`: an `EXPOSE` port that is out of range or not a port.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `EXPOSE` values that are not a port or a port range with a protocol.

## What it does
Flags an `EXPOSE` word that is not `port`, `port/protocol`, `from-to` or
`from-to/protocol`, with ports from 0 to 65535 and the protocol `tcp`, `udp` or `sctp`:
a host mapping (`8080:80`), an address (`127.0.0.1:80`), a port out of range
(`EXPOSE 80000`), an unknown protocol. Words with variables are left alone.

## Why is this bad?
`EXPOSE` only documents the ports the container listens on; the host side of a mapping is
chosen with `docker run -p`. BuildKit accepts `80:80` with a warning and drops the host
part; a port out of range or an unknown protocol fails the build.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 8080:80
```

Use instead:
```dockerfile
FROM nginx:1.27
EXPOSE 80
```

## References
- [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
- [BuildKit check: ExposeInvalidFormat](https://docs.docker.com/reference/build-checks/expose-invalid-format/)
";

declare_rule! {
    /// An `EXPOSE` port that is out of range or not a port.
    pub struct ExposeInvalid;
    code: "CO013",
    name: "expose-invalid",
    category: Correctness,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3011; buildkit: ExposeInvalidFormat"),
    docs: DOCS,
}

/// Why an `EXPOSE` word is invalid, if it is.
fn problem(word: &str) -> Option<String> {
    let (ports, proto) = match word.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (word, None),
    };
    if ports.contains(':') {
        return Some(format!(
            "`{word}` maps a host port or address: `EXPOSE` takes only the container port"
        ));
    }
    if let Some(proto) = proto
        && !["tcp", "udp", "sctp"].contains(&proto.to_ascii_lowercase().as_str())
    {
        return Some(format!(
            "`{word}`: the protocol must be `tcp`, `udp` or `sctp`"
        ));
    }
    let (from, to) = ports.split_once('-').unwrap_or((ports, ports));
    for p in [from, to] {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return Some(format!("`{word}` is not a port number"));
        }
        if p.parse::<u32>().map_or(true, |n| n > 65535) {
            return Some(format!("`{word}`: ports go from 0 to 65535"));
        }
    }
    None
}

impl Rule for ExposeInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Expose {
            return;
        }
        for word in ins.words() {
            if word.value.contains('$') {
                continue;
            }
            if let Some(message) = problem(&word.value) {
                let container = word
                    .value
                    .rsplit(':')
                    .next()
                    .unwrap_or(&word.value)
                    .to_owned();
                let help = if word.value.contains(':') {
                    format!(
                        "Expose the container port (`EXPOSE {container}`) and map it at run time with `-p`"
                    )
                } else {
                    "Write a port from 0 to 65535, optionally with `/tcp`, `/udp` or `/sctp`"
                        .to_owned()
                };
                ctx.report(&Self::META, word.range, message).with_help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;
    use crate::rules::test_support::lines;

    #[test]
    fn judges_words() {
        for ok in [
            "80",
            "80/tcp",
            "53/UDP",
            "8000-8010",
            "8000-8010/udp",
            "0",
            "65535",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "80:80",
            "127.0.0.1:80",
            "65536",
            "80/http",
            "http",
            "-1",
            "80-",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn flags_bad_words_only() {
        assert_eq!(
            lines(
                "CO013",
                "FROM a\nEXPOSE 80 443/tcp\nEXPOSE 8080:80 ${PORT}\nEXPOSE 99999\n"
            ),
            [3, 4]
        );
    }
}
