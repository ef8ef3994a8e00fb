//! MA017 `unpinned-gem`: `gem install` of a gem without a version.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::Call;
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::{check_calls, not_an_index_name};

const DOCS: &str = r"Checks for `gem install` of gems without a pinned version.

## What it does
Flags each gem named to `gem install` (or `gem i`) without a version: neither
`name:version` nor a `-v`/`--version` option on the command. Local `.gem` files, paths,
words that hold a variable, the values of options (`--install-dir`, `--source`, ...) and
the build options after `--` are left alone.

An operand that is just a variable (`$PKGS`, `${PKGS}`) is judged by the words of its value
when the file shows it: an assignment earlier in the same RUN (`PKGS='a b' && ... $PKGS`)
or an `ENV` or `ARG` of the stage; each unpinned package is reported at the variable.

This rule is informational. hadolint's DL3028 reads the values of options as gems, so
`gem install -N --bindir /usr/local/bin rails:7.1.3` is flagged for `/usr/local/bin`, as
are the build options after `--`; dlint reads them as what they are.

Differences from hadolint DL3028: hadolint takes the word after any option as that
option's value, so `gem install -N bundler` (`-N` takes no value) passes as if no gem were
named; dlint knows which options take a value:

```dockerfile
FROM ruby:3.3-slim
# hadolint: fine; dlint: `bundler` has no version
RUN gem install -N bundler
```

## Why is this bad?
Without a version, the gem installed depends on the day of the build: a new release can
change or break the image without any change to the Dockerfile. rubygems.org keeps old
versions, so a pin keeps working; a `Gemfile.lock` installed with `bundle install` pins
everything at once.

## Example
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler
```

Use instead:
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler:2.5.11
```

## References
- [Best practices: pin versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [gem install](https://guides.rubygems.org/command-reference/#gem-install)
- [hadolint DL3028](https://github.com/hadolint/hadolint/wiki/DL3028)
";

declare_rule! {
    /// `gem install` of a gem without a version.
    pub struct UnpinnedGem;
    code: "MA017",
    name: "unpinned-gem",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3028"),
    docs: DOCS,
}

/// Options of `gem install` that take a separate value.
const GEM_VALUE_OPTIONS: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "-s",
    "--source",
    "-P",
    "--trust-policy",
    "--platform",
    "-g",
    "--file",
    "--build-root",
    "--target-rbconfig",
];

/// The gem words of a `gem install` that name no version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    if call.name != "gem"
        || call
            .subcommand_in(GEM_VALUE_OPTIONS, &["install", "i"])
            .is_none()
        || call.has_option(&["-v", "--version"])
    {
        return Vec::new();
    }
    // After `--` come options for the gems' native extensions.
    let end = call
        .args
        .iter()
        .position(|w| w.value == "--")
        .unwrap_or(call.args.len());
    let mut out = Vec::new();
    let mut skip_value = false;
    let mut seen_subcommand = false;
    for w in &call.args[..end] {
        let v = w.value.as_str();
        if skip_value {
            skip_value = false;
        } else if v.starts_with('-') {
            skip_value = GEM_VALUE_OPTIONS.contains(&v);
        } else if !seen_subcommand {
            seen_subcommand = true;
        } else if !(v.contains(':') || not_an_index_name(v, &[".gem"])) {
            out.push(w);
        }
    }
    out
}

impl Rule for UnpinnedGem {
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
            |_: &Call<'_>, p: &str| format!("{p}:<version>"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA017";

    #[test]
    fn each_unpinned_gem_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN gem install -N --bindir /usr/local/bin rails:7.1.3 nokogiri -- --use-system-libraries\n"
            ),
            [(
                2,
                "nokogiri".to_owned(),
                "`nokogiri` is installed by `gem` without a pinned version".to_owned()
            )]
        );
        assert_eq!(
            lines(CODE, "FROM a\nRUN gem i bundler && sudo gem install rake\n"),
            [2, 2]
        );
    }

    #[test]
    fn pins_files_and_versions_are_clean() {
        for text in [
            "FROM a\nRUN gem install bundler:2.5.11 rake:${RAKE_VERSION}\n",
            "FROM a\nRUN gem install bundler -v 2.5.11 && gem install rake --version=13.2.1\n",
            "FROM a\nRUN gem install ./x-1.0.gem /tmp/y.gem $GEMS && gem update --system\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
