//! SZ002 `apt-install-recommends`: `apt-get install` that also installs recommended
//! packages.

use crate::declare_rule;
use crate::diagnostic::Applicability;
use crate::layers::apt;
use crate::layers::size::human;
use crate::model::Instruction;
use crate::rules::common::{APT_VALUE_OPTIONS, Call, calls, is_apt};
use crate::rules::{Context, Rule, RuleMeta};

use super::{checked_script, debian_data_applies_in, earlier_run_mentions, insert_option, layer};

const DOCS: &str = r"Checks for `apt-get install` without `--no-install-recommends`.

## What it does
Flags `apt-get install` and `apt install` of at least one package when recommended
packages are not turned off: by `--no-install-recommends` (anywhere on the command line),
`--install-recommends=false` or `-o APT::Install-Recommends=false` (also `0`, `no`,
`off`). An earlier RUN of the same image that writes `APT::Install-Recommends` to an APT
configuration file turns them off too.

Differences from hadolint DL3015: hadolint checks `apt-get install` only, in every stage,
also when it names no package (`apt-get install -f`, which completes the dependencies of a
package installed with `dpkg -i`). dlint also checks `apt install`, flags only installs
that name a package, and checks only the stages that ship, since recommended packages in a
builder stage that is only copied from do not reach the image:

```dockerfile
FROM debian:12 AS build
# hadolint DL3015 here; dlint: fine, only /out leaves this stage
RUN apt-get update && apt-get install -y build-essential && make -C /src DESTDIR=/out install
FROM debian:12
COPY --from=build /out /
# dlint only: `apt` installs recommended packages like `apt-get`
RUN apt update && apt install -y --no-install-suggests curl && rm -rf /var/lib/apt/lists/*
```

## Why is this bad?
By default APT installs the packages that the requested ones merely recommend: manual
pages, documentation, optional helpers, sometimes whole toolchains. They often double the
size of a layer and add packages nobody asked for (and their vulnerabilities).

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
The fix inserts `--no-install-recommends` right after `install`. It is unsafe because it
changes what is installed: a program may rely on a recommended package (`ca-certificates`
for `curl` to reach HTTPS sites is the classic case) that then has to be named.

## References
- [Docker: best practices for `apt-get`](https://docs.docker.com/build/building/best-practices/#apt-get)
- [apt.conf(5): `APT::Install-Recommends`](https://manpages.debian.org/bookworm/apt/apt.conf.5.en.html)
- [hadolint DL3015](https://github.com/hadolint/hadolint/wiki/DL3015)
";

declare_rule! {
    /// `apt-get install` without `--no-install-recommends`.
    pub struct AptInstallRecommends;
    code: "SZ002",
    name: "apt-install-recommends",
    category: Size,
    severity: Info,
    fix: Always,
    since: "0.1.0",
    upstream: Some("hadolint: DL3015"),
    docs: DOCS,
}

/// Whether the call turns recommended packages off.
fn recommends_off(call: &Call<'_>) -> bool {
    let falsy = |v: &str| {
        matches!(
            v.trim_matches(|c| c == '"' || c == '\'')
                .to_ascii_lowercase()
                .as_str(),
            "false" | "0" | "no" | "off"
        )
    };
    let mut prev_is_o = false;
    for w in call.args.iter() {
        let v = w.value.as_str();
        if v == "--no-install-recommends" {
            return true;
        }
        if v.strip_prefix("--install-recommends=").is_some_and(falsy) {
            return true;
        }
        let option = if prev_is_o {
            Some(v)
        } else {
            v.strip_prefix("-o").or_else(|| v.strip_prefix("--option="))
        };
        let turned_off = option
            .and_then(|o| o.split_once('='))
            .is_some_and(|(key, value)| {
                key.trim().eq_ignore_ascii_case("APT::Install-Recommends") && falsy(value)
            });
        if turned_off {
            return true;
        }
        prev_is_o = v == "-o" || v == "--option";
    }
    false
}

impl Rule for AptInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        let calls = calls(script);
        let installs: Vec<_> = calls
            .iter()
            .filter(|c| is_apt(&c.name) && !recommends_off(c))
            .filter_map(|c| {
                let sub = c.subcommand_in(APT_VALUE_OPTIONS, &["install"])?;
                // The operands after the subcommand, the first one.
                let packages: Vec<&str> = c
                    .operands(APT_VALUE_OPTIONS)
                    .into_iter()
                    .skip(1)
                    .map(|w| w.value.as_str())
                    .collect();
                // `xargs apt-get install` reads the packages from its input.
                let some = !packages.is_empty() || c.wrappers.contains(&"xargs");
                some.then_some((c, sub, packages))
            })
            .collect();
        if installs.is_empty()
            || earlier_run_mentions(ctx.file, ins, &["Install-Recommends", "apt.conf"])
        {
            return;
        }
        for (call, sub, packages) in installs {
            let extra = recommended_bytes(&packages)
                .filter(|_| debian_data_applies_in(ctx, ins))
                .map_or(String::new(), |b| format!(" (~{})", human(b)));
            let message = format!(
                "`{} install` also installs recommended packages{extra} into {}",
                call.name,
                layer(ins)
            );
            ctx.report(&Self::META, call.range_to(sub), message)
                .with_help("Add `--no-install-recommends` and name the packages you need")
                .set_fix(insert_option(
                    Applicability::Unsafe,
                    "--no-install-recommends",
                    [sub],
                ));
        }
    }
}

/// The bytes recommended packages add, when the package index knows every package.
fn recommended_bytes(packages: &[&str]) -> Option<u64> {
    if packages
        .iter()
        .any(|p| p.contains('$') || p.starts_with('.') || p.starts_with('/'))
    {
        return None;
    }
    let with = apt::estimate_install(packages, false);
    let without = apt::estimate_install(packages, true);
    if with.size.is_unknown() || without.size.is_unknown() || !with.unknown.is_empty() {
        return None;
    }
    let extra = with.size.low.saturating_sub(without.size.low);
    (extra > 0).then_some(extra)
}

#[cfg(test)]
mod tests {
    use super::recommended_bytes;
    use crate::layers::size::human;
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    const CODE: &str = "SZ002";

    #[test]
    fn install_without_the_option_is_flagged() {
        let text = "FROM debian\nRUN apt-get update && apt-get install -y curl\n";
        let extra =
            recommended_bytes(&["curl"]).map_or(String::new(), |b| format!(" (~{})", human(b)));
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "apt-get install".to_owned(),
                format!(
                    "`apt-get install` also installs recommended packages{extra} into this layer (line 2)"
                )
            )]
        );
        assert_eq!(
            findings(CODE, "FROM ubuntu\nRUN apt-get install -y curl\n")[0].2,
            "`apt-get install` also installs recommended packages into this layer (line 2)"
        );
        // Unknown packages and expansions: no size.
        assert_eq!(recommended_bytes(&["no-such-package-xyz"]), None);
        assert_eq!(recommended_bytes(&["$PKGS"]), None);
    }

    #[test]
    fn spellings_and_shapes() {
        let flagged = [
            ("FROM d\nRUN apt install curl\n", "apt install"),
            (
                "FROM d\nRUN apt-get -qq -y install curl\n",
                "apt-get -qq -y install",
            ),
            (
                "FROM d\nRUN DEBIAN_FRONTEND=noninteractive apt-get --yes install \\\n    curl\n",
                "apt-get --yes install",
            ),
            (
                "FROM d\nRUN <<EOF\nset -eux\napt-get install -y curl\nEOF\n",
                "apt-get install",
            ),
            (
                "FROM d\nRUN cat pkgs | xargs apt-get install -y\n",
                "apt-get install",
            ),
            (
                "FROM d\nRUN apt-get install -o APT::Install-Recommends=true curl\n",
                "apt-get install",
            ),
            (
                "FROM d\nRUN sudo apt-get install -y ./local.deb\n",
                "apt-get install",
            ),
        ];
        for (text, flagged) in flagged {
            let f = findings(CODE, text);
            assert_eq!(f.len(), 1, "{text}");
            assert_eq!(f[0].1, flagged, "{text}");
        }
        // Every install of the RUN is flagged.
        assert_eq!(
            lines(
                CODE,
                "FROM d\nRUN apt-get install -y a && \\\n  apt install -y b\n"
            ),
            [2, 3]
        );
    }

    #[test]
    fn turned_off_recommends_are_clean() {
        let clean = [
            "FROM d\nRUN apt-get install -y --no-install-recommends curl\n",
            "FROM d\nRUN apt-get install -y curl --no-install-recommends\n",
            "FROM d\nRUN apt-get --no-install-recommends install -y curl\n",
            "FROM d\nRUN apt-get install -o APT::Install-Recommends=false curl\n",
            "FROM d\nRUN apt-get install -o \"APT::Install-Recommends=0\" curl\n",
            "FROM d\nRUN apt-get install -oAPT::Install-Recommends=false curl\n",
            "FROM d\nRUN apt-get install --install-recommends=no curl\n",
            "FROM d\nRUN apt-get install -f -y\n",
            "FROM d\nRUN apt-get update\n",
            "FROM d\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norec\n\
             RUN apt-get install -y curl\n",
        ];
        for text in clean {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn the_fix_inserts_the_option_after_install() {
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM d\nRUN apt-get -y install curl && apt install -qq git\n"
            ),
            "FROM d\nRUN apt-get -y install --no-install-recommends curl && apt install --no-install-recommends -qq git\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM d\nRUN <<EOF\napt-get install \\\n  curl\nEOF\n"),
            "FROM d\nRUN <<EOF\napt-get install --no-install-recommends \\\n  curl\nEOF\n"
        );
    }
}
