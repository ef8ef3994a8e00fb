//! SZ007 `gem-docs`: `gem install` that generates documentation into the layer.

use crate::declare_rule;
use crate::diagnostic::Applicability;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{Call, calls};
use crate::rules::{Context, Rule, RuleMeta};

use super::{
    base_image, checked_script, earlier, earlier_run_mentions, image_name, insert_option, layer,
    text_after,
};

const DOCS: &str = r"Checks for `gem install` without `--no-document`.

## What it does
Flags `gem install` unless documentation is turned off: by `--no-document` (or its
abbreviations such as `--no-doc`, or `-N`) or by `--no-ri --no-rdoc` (older RubyGems), or
by a `gemrc` written earlier in the image (a RUN that writes `gemrc` with
`--no-document`, or a `COPY` of a `gemrc` file). The official `ruby` images, and images
built on them, ship a `gemrc` with `--no-document`, so installs there are not flagged.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`sh -c '...'`) is not seen; a base image
built on `ruby` under another name is not recognised.

## Why is this bad?
By default RubyGems generates `ri` documentation for every gem it installs, often
several megabytes per gem, which nobody reads inside a container.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN gem install bundler
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN gem install --no-document bundler
```

## References
- [RubyGems: `gem install` options](https://guides.rubygems.org/command-reference/#gem-install)
- [The official `ruby` image's `gemrc`](https://github.com/docker-library/ruby)
";

declare_rule! {
    /// `gem install` without `--no-document`.
    pub struct GemDocs;
    code: "SZ007",
    name: "gem-docs",
    category: Size,
    severity: Info,
    fix: Always,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Options of `gem` that take a separate value.
const GEM_VALUE_OPTIONS: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "-s",
    "--source",
    "-p",
    "--http-proxy",
    "--platform",
    "--config-file",
    "-g",
    "--file",
];

/// Whether the call turns documentation off.
fn no_docs(call: &Call<'_>) -> bool {
    let args = || call.args.iter().map(|w| w.value.as_str());
    args().any(|a| a == "-N" || (a.len() >= "--no-do".len() && "--no-document".starts_with(a)))
        || (args().any(|a| a == "--no-ri") && args().any(|a| a == "--no-rdoc"))
        || args().any(|a| a == "--document=" || a == "--document=''" || a == "--document=\"\"")
}

/// Whether documentation is off for every gem installed at `ins`: an official `ruby` base
/// image, or a `gemrc` written or copied earlier.
fn configured(ctx: &Context<'_>, ins: &Instruction) -> bool {
    let ruby_base = ins
        .stage
        .and_then(|s| base_image(ctx.file, s))
        .is_some_and(|b| {
            let n = image_name(&b);
            matches!(n, "ruby" | "library/ruby") || n.ends_with("devcontainers/ruby")
        });
    ruby_base
        || earlier_run_mentions(ctx.file, ins, &["gemrc", "--no-document"])
        || earlier_run_mentions(ctx.file, ins, &["gemrc", "--no-rdoc"])
        || earlier(ctx.file, ins).iter().any(|i| {
            matches!(i.kind, InstructionKind::Copy | InstructionKind::Add)
                && i.words().iter().any(|w| w.value.ends_with("gemrc"))
        })
}

impl Rule for GemDocs {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        let calls = calls(script);
        let mut checked = None;
        for call in calls {
            if call.name != "gem" || no_docs(call) {
                continue;
            }
            let Some(sub) = call.subcommand_in(GEM_VALUE_OPTIONS, &["install", "i"]) else {
                continue;
            };
            // A gemrc written earlier in this RUN.
            let written_here = calls.iter().any(|c| {
                c.index < call.index
                    && c.args.iter().any(|a| a.value.contains("--no-document"))
                    && (script.commands[c.index]
                        .redirects
                        .iter()
                        .any(|r| r.value.ends_with("gemrc"))
                        || text_after(ctx.source, ins, script, c.index).contains("gemrc"))
            });
            if written_here || *checked.get_or_insert_with(|| configured(ctx, ins)) {
                continue;
            }
            let message = format!(
                "`gem {}` generates documentation into {}",
                sub.value,
                layer(ins)
            );
            ctx.report(&Self::META, call.range_to(sub), message)
                .with_help("Add `--no-document`")
                .set_fix(insert_option(Applicability::Safe, "--no-document", [sub]));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SZ007";

    #[test]
    fn install_with_docs_is_flagged() {
        let text = "FROM debian\nRUN gem install bundler\n";
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "gem install".to_owned(),
                "`gem install` generates documentation into this layer (line 2)".to_owned()
            )]
        );
        assert_eq!(
            diagnostics(CODE, text)[0]
                .fix
                .as_ref()
                .map(|f| f.applicability),
            Some(Applicability::Safe)
        );
    }

    #[test]
    fn spellings_and_shapes() {
        for text in [
            "FROM d\nRUN gem install -v 2.4.0 bundler\n",
            "FROM d\nRUN gem i rails\n",
            "FROM d\nRUN set -e; \\\n  gem install --no-rdoc fpm\n",
            "FROM d\nRUN <<EOF\ngem install x\nEOF\n",
            "FROM d\nRUN sudo gem install x || true\n",
            "FROM alpine\nRUN gem install x\n",
            "FROM d\nRUN gem install x\nRUN echo 'gem: --no-document' > ~/.gemrc\n",
        ] {
            assert_eq!(lines(CODE, text).len(), 1, "{text}");
        }
    }

    #[test]
    fn turned_off_docs_are_clean() {
        for text in [
            "FROM d\nRUN gem install --no-document bundler\n",
            "FROM d\nRUN gem install bundler --no-doc\n",
            "FROM d\nRUN gem install -N bundler\n",
            "FROM d\nRUN gem install --no-ri --no-rdoc fpm\n",
            "FROM ruby:3.3-slim\nRUN gem install bundler\n",
            "FROM ruby:$RUBY_VERSION-slim AS base\nFROM base AS build\nRUN gem install rails\n",
            "FROM docker.io/library/ruby:3\nRUN gem install x\n",
            "FROM mcr.microsoft.com/devcontainers/ruby:3\nRUN gem install x\n",
            "FROM d\nRUN echo 'gem: --no-document' > /etc/gemrc\nRUN gem install x\n",
            "FROM d\nRUN echo 'gem: --no-document' >> ~/.gemrc && gem install x\n",
            "FROM d\nCOPY .gemrc /root/.gemrc\nRUN gem install x\n",
            "FROM d\nRUN gem update --system && gem list && gem cleanup\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn the_fix_inserts_the_option_after_install() {
        assert_eq!(
            fixed_and_clean(CODE, "FROM d\nRUN gem install rails -v 7 && gem i rake\n"),
            "FROM d\nRUN gem install --no-document rails -v 7 && gem i --no-document rake\n"
        );
    }
}
