//! SZ004 `pip-cache`: `pip install` that leaves pip's download cache in the layer.

use crate::declare_rule;
use crate::diagnostic::Applicability;
use crate::model::Instruction;
use crate::rules::common::{Call, as_pip, calls};
use crate::rules::{Context, Rule, RuleMeta};

use super::{
    checked_script, earlier_run_mentions, env_set_before, insert_option, later, layer,
    mounted_like, mounted_over, removes,
};
use crate::shell::Word;

const DOCS: &str = r"Checks for `pip install` without `--no-cache-dir` that leaves pip's cache in the layer.

## What it does
Flags `pip install`, `pip3 install` and `python -m pip install` (any version, any path)
unless the cache is off or cleaned in the same layer:
- `--no-cache-dir` anywhere on the command line;
- `PIP_NO_CACHE_DIR` set by an `ENV` or `ARG` earlier in the image (stages built on this
  one included), as a prefix of the command or by an earlier `export` in the RUN;
- `pip config set global.no-cache-dir` earlier in the image;
- `pip cache purge` or an `rm` of `~/.cache/pip` (or `~/.cache`) later in the same RUN;
- a `RUN --mount` over `/root/.cache/pip` or `/root/.cache` (any home directory).

`pip install --upgrade pip` is flagged too: it downloads a wheel into the cache like any
other install.

One finding per RUN, at the first such install; its fix adds `--no-cache-dir` to all of
them.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`sh -c '...'`) is not seen, though a cleanup
there is; `uv pip` and `pipx` are not checked.

Differences from hadolint DL3042: hadolint misses `ENV PIP_NO_CACHE_DIR=off`, which turns
the cache off too (pip disables it for any value of the variable, a quirk it keeps for
compatibility), and checks builder stages that are only copied from; dlint also sees pip
behind `sudo`:

```dockerfile
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=off
# hadolint DL3042 here; dlint: fine, pip keeps no cache
RUN pip install -r requirements.txt
```

## Why is this bad?
pip keeps every wheel it downloads or builds in `~/.cache/pip`, which can be as large as
the installed packages themselves (hundreds of megabytes for scientific stacks). In an
image nothing reuses that cache, and a later RUN cannot remove it from the layer.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install requests
```

Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir requests
```

## References
- [pip documentation: caching](https://pip.pypa.io/en/stable/topics/caching/)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- [hadolint DL3042](https://github.com/hadolint/hadolint/wiki/DL3042)
";

declare_rule! {
    /// `pip install` without `--no-cache-dir`.
    pub struct PipCache;
    code: "SZ004",
    name: "pip-cache",
    category: Size,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("hadolint: DL3042"),
    docs: DOCS,
}

const CACHE: &str = "/root/.cache/pip";
const ENV: &str = "PIP_NO_CACHE_DIR";

/// Options of pip that take a separate value (before the subcommand).
const PIP_VALUE_OPTIONS: &[&str] = &[
    "--proxy",
    "--log",
    "--retries",
    "--timeout",
    "--cache-dir",
    "--python",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--use-feature",
    "--use-deprecated",
];

fn pip_subcommand<'c>(call: &'c Call<'_>, names: &[&str]) -> Option<Call<'c>> {
    let pip = as_pip(call)?;
    pip.subcommand_in(PIP_VALUE_OPTIONS, names)?;
    Some(pip)
}

/// Whether `call` turns the cache off for the commands after it: `export
/// PIP_NO_CACHE_DIR=1` (pip ignores the value: even `0` turns the cache off) or `pip config
/// set global.no-cache-dir ...`. A plain assignment without `export` does not reach pip.
fn disables(call: &Call<'_>) -> bool {
    let export = matches!(&*call.name, "export" | "declare" | "typeset")
        && call
            .args
            .iter()
            .any(|w| w.value.starts_with(&format!("{ENV}=")));
    let config = pip_subcommand(call, &["config"]).is_some()
        && call.args.iter().any(|w| w.value.ends_with("no-cache-dir"));
    export || config
}

impl Rule for PipCache {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        if mounted_over(ins, CACHE) || mounted_like(ins, &[".cache/pip", ".cache"]) {
            return;
        }
        let calls = calls(script);
        // Every install that fills the cache; one finding per RUN, at the first.
        let offenders: Vec<(&Call<'_>, Word)> = calls
            .iter()
            .filter_map(|call| {
                let pip = pip_subcommand(call, &["install"])?;
                if pip.has_option(&["--no-cache-dir"])
                    || pip.env_value(ENV).is_some_and(|v| !v.is_empty())
                {
                    return None;
                }
                let disabled_before = calls.iter().any(|c| c.index < call.index && disables(c));
                let cleaned_after = later(calls, call.index, |l| {
                    removes(l, CACHE)
                        || pip_subcommand(l, &["cache"]).is_some_and(|p| {
                            p.args
                                .iter()
                                .any(|w| w.value == "purge" || w.value == "remove")
                        })
                });
                if disabled_before || cleaned_after {
                    return None;
                }
                let sub = pip.subcommand(PIP_VALUE_OPTIONS)?;
                Some((call, sub.clone()))
            })
            .collect();
        let Some((call, sub)) = offenders.first() else {
            return;
        };
        if env_set_before(ctx.file, ins, ENV)
            || earlier_run_mentions(ctx.file, ins, &["pip", "config", "no-cache-dir"])
        {
            return;
        }
        let message = format!(
            "`{}` leaves downloaded packages in pip's cache (~/.cache/pip) in {}",
            command_text(call, sub),
            layer(ins)
        );
        let subs = offenders.iter().map(|(_, sub)| sub);
        ctx.report(&Self::META, call.range_to(sub), message)
            .with_help("Add `--no-cache-dir`")
            .set_fix(insert_option(Applicability::Safe, "--no-cache-dir", subs));
    }
}

/// `pip3 install`, `python3 -m pip install`: the program and the subcommand as written,
/// without options in between.
fn command_text(call: &Call<'_>, sub: &Word) -> String {
    if call.name.starts_with("pip") {
        format!("{} {}", call.name, sub.value)
    } else {
        format!("{} -m pip {}", call.name, sub.value)
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SZ004";

    #[test]
    fn install_without_the_option_is_flagged() {
        let text = "FROM python:3\nRUN pip install requests\n";
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "pip install".to_owned(),
                "`pip install` leaves downloaded packages in pip's cache (~/.cache/pip) in this layer (line 2)"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Safe)
        );
    }

    #[test]
    fn spellings_and_shapes() {
        let flagged = [
            ("FROM p\nRUN pip3 install -U pip\n", "pip3 install"),
            (
                "FROM p\nRUN python3 -m pip install --upgrade pip\n",
                "python3 -m pip install",
            ),
            (
                "FROM p\nRUN /opt/venv/bin/pip install -r requirements.txt\n",
                "/opt/venv/bin/pip install",
            ),
            (
                "FROM p\nRUN set -eux; \\\n  # deps\n  pip3.12 install x\n",
                "pip3.12 install",
            ),
            ("FROM p\nRUN <<EOF\npip install x\nEOF\n", "pip install"),
            ("FROM p\nRUN sudo -H pip install x || true\n", "pip install"),
            (
                "FROM p\nRUN pip cache purge && pip install x\n",
                "pip install",
            ),
            (
                "FROM p\nRUN PIP_NO_CACHE_DIR= pip install x\n",
                "pip install",
            ),
            // Not exported: pip does not see it.
            (
                "FROM p\nRUN PIP_NO_CACHE_DIR=1; pip install x\n",
                "pip install",
            ),
            (
                "FROM p\nRUN --mount=type=cache,target=/root/.npm pip install x\n",
                "pip install",
            ),
            (
                "FROM p AS a\nENV PIP_NO_CACHE_DIR=1\nFROM p\nRUN pip install x\n",
                "pip install",
            ),
        ];
        for (text, flagged) in flagged {
            let f = findings(CODE, text);
            assert_eq!(f.len(), 1, "{text}");
            assert_eq!(f[0].1, flagged, "{text}");
        }
    }

    #[test]
    fn turned_off_or_cleaned_caches_are_clean() {
        for text in [
            "FROM p\nRUN pip install --no-cache-dir x\n",
            "FROM p\nRUN pip --no-cache-dir install x\n",
            "FROM p\nRUN python -m pip install x --no-cache-dir\n",
            "FROM p\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n",
            "FROM p\nENV PIP_NO_CACHE_DIR off\nRUN pip install x\n",
            "FROM p\nARG PIP_NO_CACHE_DIR=1\nRUN pip install x\n",
            "FROM p AS base\nENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1\nFROM base\nRUN pip install x\n",
            "FROM p\nRUN PIP_NO_CACHE_DIR=1 pip install x\n",
            "FROM p\nRUN env PIP_NO_CACHE_DIR=1 pip install x\n",
            "FROM p\nRUN export PIP_NO_CACHE_DIR=1; pip install x\n",
            "FROM p\nRUN pip config set global.no-cache-dir false\nRUN pip install x\n",
            "FROM p\nRUN pip install x && pip cache purge\n",
            "FROM p\nRUN pip install x; rm -rf /root/.cache/pip\n",
            "FROM p\nRUN pip install x && rm -rf ~/.cache\n",
            "FROM p\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n",
            "FROM p\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
            "FROM p\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install x\n",
            "FROM p\nRUN pip download x && pip wheel y && pip list\n",
            "FROM p\nRUN python -c 'import pip' && python app.py install\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn the_fix_inserts_the_option_after_install() {
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM p\nRUN pip install -U pip && python3 -m pip install \\\n  x\n"
            ),
            "FROM p\nRUN pip install --no-cache-dir -U pip && python3 -m pip install --no-cache-dir \\\n  x\n"
        );
    }
}
