//! SZ005 `npm-cache`: `npm install` or `yarn install` that leaves the package manager's
//! cache in the layer.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit};
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{Call, calls};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;
use crate::text::TextRange;

use super::{
    checked_script, earlier, fix, later, layer, mounted_like, mounted_over, removes,
    shown_subcommand,
};

const DOCS: &str = r"Checks for `npm install` and `yarn install` that leave the package cache in the layer.

## What it does
Flags `npm install` (`npm i`, `npm ci`, `npm add`, `npm update`) and `yarn install` (bare
`yarn`, `yarn add`, `yarn global add`) when the same RUN does not clean the cache
afterwards and does not mount a cache over it:
- npm: `npm cache clean --force`, an `rm` of `~/.npm` (or of the directory given with
  `--cache` / `npm_config_cache`), or a mount over `/root/.npm` (any home directory);
- yarn: `yarn cache clean`, an `rm` of `/usr/local/share/.cache/yarn` or `~/.cache/yarn`
  (or of `--cache-folder` / `YARN_CACHE_FOLDER`), or a mount over one of them.

pnpm is not flagged: its store is hard-linked into `node_modules`, so in the same layer it
costs almost nothing, and `pnpm store prune` only drops packages nothing uses.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`su node -c 'npm ci'`) is not seen, though a
cleanup there is; Yarn 2+ (Berry) keeps its cache in the project's `.yarn/cache`, which is
not checked.

Differences from hadolint DL3060: hadolint checks `yarn install` only (and only that a
`yarn cache clean` follows); dlint checks npm as well, whose cache (`~/.npm`) grows the same
way, and accepts an `rm` of the cache or a cache mount as a cleanup:

```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
# dlint only: npm's cache stays in the layer
RUN npm ci --omit=dev
```

## Why is this bad?
npm keeps a compressed copy of every package it downloads in `~/.npm/_cacache`, and Yarn
1 an unpacked copy of each in its cache folder: often as much again as `node_modules`.
Nothing in the image reuses it, and a later RUN cannot remove it from the layer.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci
```

Use instead:
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
```

The cache mount keeps the cache between builds (faster rebuilds) and out of the image;
`npm ci && npm cache clean --force` also keeps it out of the image.

## References
- [npm documentation: `npm cache`](https://docs.npmjs.com/cli/commands/npm-cache)
- [Yarn documentation: `yarn cache`](https://classic.yarnpkg.com/en/docs/cli/cache)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- [hadolint DL3060](https://github.com/hadolint/hadolint/wiki/DL3060)
";

declare_rule! {
    /// `npm install` / `yarn install` without a cache clean or a cache mount.
    pub struct NpmCache;
    code: "SZ005",
    name: "npm-cache",
    category: Size,
    severity: Info,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3060"),
    docs: DOCS,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    Npm,
    Yarn,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Self::Npm => "npm",
            Self::Yarn => "yarn",
        }
    }

    fn value_options(self) -> &'static [&'static str] {
        match self {
            Self::Npm => &[
                "--prefix",
                "--cache",
                "--registry",
                "--loglevel",
                "-w",
                "--workspace",
                "--userconfig",
                "-C",
            ],
            Self::Yarn => &[
                "--cwd",
                "--cache-folder",
                "--modules-folder",
                "--mutex",
                "--network-timeout",
                "--registry",
                "--global-folder",
            ],
        }
    }

    /// The cache directories when the command does not say otherwise; the first is
    /// root's, used for the suggested mount.
    fn default_caches(self) -> &'static [&'static str] {
        match self {
            Self::Npm => &["/root/.npm"],
            Self::Yarn => &["/usr/local/share/.cache/yarn", "~/.cache/yarn"],
        }
    }

    /// Ends of cache directory paths whose home directory is not known.
    fn cache_suffixes(self) -> &'static [&'static str] {
        match self {
            Self::Npm => &[".npm", ".npm/_cacache"],
            Self::Yarn => &[".cache/yarn", ".cache/yarn/v6"],
        }
    }

    fn cache_option(self) -> &'static str {
        match self {
            Self::Npm => "--cache",
            Self::Yarn => "--cache-folder",
        }
    }

    fn cache_env(self) -> &'static [&'static str] {
        match self {
            Self::Npm => &["npm_config_cache", "NPM_CONFIG_CACHE"],
            Self::Yarn => &["YARN_CACHE_FOLDER"],
        }
    }
}

/// The tool a call installs packages with, if it does.
fn install(call: &Call<'_>) -> Option<Tool> {
    match &*call.name {
        "npm" => {
            let sub = call.subcommand(Tool::Npm.value_options())?;
            matches!(
                sub.value.as_str(),
                "install"
                    | "i"
                    | "in"
                    | "add"
                    | "ci"
                    | "clean-install"
                    | "ic"
                    | "install-clean"
                    | "update"
                    | "up"
                    | "upgrade"
            )
            .then_some(Tool::Npm)
        }
        "yarn" | "yarnpkg" => {
            let operands = call.operands(Tool::Yarn.value_options());
            let installs = match operands.first().map(|w| w.value.as_str()) {
                None => !call.has_option(&["--version", "-v", "-V", "--help", "-h"]),
                Some("install" | "add") => true,
                Some("global") => operands.get(1).is_some_and(|w| w.value == "add"),
                Some(_) => false,
            };
            installs.then_some(Tool::Yarn)
        }
        _ => None,
    }
}

/// Whether `call` empties the cache of `tool` (given the caches in use).
fn cleans(call: &Call<'_>, tool: Tool, caches: &[String]) -> bool {
    let subcommand_clean = (call.name == tool.name()
        || (tool == Tool::Yarn && call.name == "yarnpkg"))
        && call.subcommand(tool.value_options()).is_some_and(|w| {
            w.value == "cache"
                && call
                    .args_after(w)
                    .iter()
                    .any(|a| matches!(a.value.as_str(), "clean" | "clear" | "rm"))
        });
    // npm keeps what matters in `_cacache`; removing only that is enough.
    subcommand_clean
        || caches.iter().any(|c| {
            removes(call, c) || (tool == Tool::Npm && removes(call, &format!("{c}/_cacache")))
        })
}

/// The cache directories a call uses: `--cache X`, `npm_config_cache=X`, or the defaults.
fn caches_of(call: &Call<'_>, tool: Tool) -> Vec<String> {
    let option = tool.cache_option();
    let mut explicit = None;
    for (i, w) in call.args.iter().enumerate() {
        if let Some(v) = w
            .value
            .strip_prefix(option)
            .and_then(|v| v.strip_prefix('='))
        {
            explicit = Some(v.to_owned());
        } else if w.value == option {
            explicit = call.args.get(i + 1).map(|v| v.value.clone());
        }
    }
    let from_env = tool
        .cache_env()
        .iter()
        .find_map(|name| call.env_value(name).map(str::to_owned));
    match explicit.or(from_env) {
        Some(dir) => vec![dir],
        None => tool
            .default_caches()
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    }
}

impl Rule for NpmCache {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        let calls = calls(script);
        for tool in [Tool::Npm, Tool::Yarn] {
            let offender = calls.iter().rev().find(|c| {
                if install(c) != Some(tool) {
                    return false;
                }
                let caches = caches_of(c, tool);
                let mounted = caches.iter().any(|p| mounted_over(ins, p))
                    || (caches_are_default(&caches, tool)
                        && mounted_like(ins, tool.cache_suffixes()));
                !mounted && !later(calls, c.index, |l| cleans(l, tool, &caches))
            });
            let Some(call) = offender else { continue };
            report(ctx, ins, call, call.subcommand(tool.value_options()), tool);
        }
    }
}

fn caches_are_default(caches: &[String], tool: Tool) -> bool {
    caches
        .iter()
        .map(String::as_str)
        .eq(tool.default_caches().iter().copied())
}

fn report(
    ctx: &mut Context<'_>,
    ins: &Instruction,
    call: &Call<'_>,
    sub: Option<&Word>,
    tool: Tool,
) {
    let (last, shown) = match sub {
        // `yarn` alone installs.
        None => (&*call.program, call.name.to_string()),
        // `yarn global add`: the subcommand is two words.
        Some(sub) => shown_subcommand(call, sub, sub.value == "global"),
    };
    let caches = caches_of(call, tool);
    let root = runs_as_root(ctx, ins);
    let where_ = match tool {
        _ if !caches_are_default(&caches, tool) => caches.join(", "),
        Tool::Npm => "~/.npm".to_owned(),
        Tool::Yarn if root => "/usr/local/share/.cache/yarn".to_owned(),
        Tool::Yarn => "~/.cache/yarn".to_owned(),
    };
    let owner = match tool {
        Tool::Npm => "npm",
        Tool::Yarn => "Yarn",
    };
    let message = format!(
        "`{shown}` leaves {owner}'s package cache ({where_}) in {}",
        layer(ins)
    );
    let clean = match tool {
        Tool::Npm => "npm cache clean --force",
        Tool::Yarn => "yarn cache clean",
    };
    let mount = caches_are_default(&caches, tool)
        .then(|| tool.default_caches()[0])
        .filter(|_| root);
    let help = match mount {
        Some(dir) => format!(
            "Mount a cache (`RUN --mount=type=cache,target={dir}`) or run `{clean}` in the same RUN"
        ),
        None => format!("Run `{clean}` in the same RUN, or mount a cache over the cache folder"),
    };
    let diagnostic = ctx
        .report(&NpmCache::META, call.range_to(last), message)
        .with_help(help);
    if let Some(dir) = mount {
        let edit = Edit {
            range: TextRange::empty(ins.keyword.range.end),
            content: format!(" --mount=type=cache,target={dir}"),
        };
        diagnostic.set_fix(fix(Applicability::DisplayOnly, edit));
    }
}

/// Whether RUNs at `ins` run as root: no earlier `USER` in the image, or a `USER root`/`0`.
fn runs_as_root(ctx: &Context<'_>, ins: &Instruction) -> bool {
    earlier(ctx.file, ins)
        .into_iter()
        .rev()
        .find(|i| i.kind == InstructionKind::User)
        .and_then(|u| u.words().first())
        .is_none_or(|w| {
            let user = w.value.split(':').next().unwrap_or("");
            user == "root" || user == "0"
        })
}

#[cfg(test)]
mod tests {
    use super::{caches_of, calls, install};
    use crate::diagnostic::Applicability;
    use crate::rules::size::normalize_path;
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SZ005";

    #[test]
    fn install_without_cleanup_is_flagged() {
        let text = "FROM node\nRUN npm ci\n";
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "npm ci".to_owned(),
                "`npm ci` leaves npm's package cache (~/.npm) in this layer (line 2)".to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::DisplayOnly)
        );
    }

    #[test]
    fn spellings_and_shapes() {
        let flagged = [
            ("FROM n\nRUN npm install -g nodemon\n", "npm install"),
            ("FROM n\nRUN npm --prefix /app i\n", "npm --prefix /app i"),
            ("FROM n\nRUN yarn\n", "yarn"),
            ("FROM n\nRUN yarn --frozen-lockfile && yarn build\n", "yarn"),
            ("FROM n\nRUN yarn install --production\n", "yarn install"),
            ("FROM n\nRUN yarn global add serve\n", "yarn global add"),
            ("FROM n\nRUN <<EOF\nset -eux\nnpm ci\nEOF\n", "npm ci"),
            ("FROM n\nRUN npm cache clean --force && npm ci\n", "npm ci"),
            ("FROM n\nRUN npm ci && yarn cache clean\n", "npm ci"),
            (
                "FROM n\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn npm ci\n",
                "npm ci",
            ),
            (
                "FROM n\nRUN npm ci --cache /tmp/c && rm -rf /root/.npm\n",
                "npm ci",
            ),
        ];
        for (text, flagged) in flagged {
            let f = findings(CODE, text);
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].1, flagged, "{text}");
        }
        // One finding per tool and RUN, at the last install.
        assert_eq!(
            lines(
                CODE,
                "FROM n\nRUN npm ci && \\\n  npm i -g x && \\\n  yarn\n"
            ),
            [3, 4]
        );
    }

    #[test]
    fn cleaned_or_mounted_caches_are_clean() {
        for text in [
            "FROM n\nRUN npm ci && npm cache clean --force\n",
            "FROM n\nRUN npm install; rm -rf ~/.npm\n",
            "FROM n\nRUN npm install && rm -rf /root/.npm/_cacache\n",
            "FROM n\nRUN npm install && rm -rf /home/node/.npm\n",
            "FROM n\nRUN npm ci --cache /tmp/npm && rm -rf /tmp/npm\n",
            "FROM n\nRUN npm_config_cache=/tmp/npm npm ci && rm -rf /tmp/npm\n",
            "FROM n\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
            "FROM n\nRUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000 npm ci\n",
            "FROM n\nRUN yarn install && yarn cache clean\n",
            "FROM n\nRUN yarn && rm -rf /usr/local/share/.cache/yarn\n",
            "FROM n\nRUN --mount=type=cache,id=yarn,target=/usr/local/share/.cache/yarn/ yarn install\n",
            "FROM n\nRUN yarn --version && yarn -v && yarn run build && yarn set version 4\n",
            "FROM n\nRUN npm run build && npm test && npm --version\n",
            "FROM n\nRUN pnpm install --frozen-lockfile\n",
            "FROM n\nRUN su node -c 'npm ci'\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn the_suggested_mount_needs_root() {
        assert_eq!(
            fixed_and_clean(CODE, "FROM n\nRUN npm ci && npm run build\n"),
            "FROM n\nRUN --mount=type=cache,target=/root/.npm npm ci && npm run build\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM n\nrun --network=none yarn\n"),
            "FROM n\nrun --mount=type=cache,target=/usr/local/share/.cache/yarn --network=none yarn\n"
        );
        let d = diagnostics(CODE, "FROM n\nUSER node\nRUN npm ci\n");
        assert!(d[0].fix.is_none());
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Run `npm cache clean --force` in the same RUN, or mount a cache over the cache folder"
            )
        );
        assert!(
            diagnostics(CODE, "FROM n\nUSER node\nUSER root:root\nRUN npm ci\n")[0]
                .fix
                .is_some()
        );
    }

    /// The normalised cache directories of the first call of `text`.
    fn first_caches(text: &str) -> Vec<String> {
        let df = crate::syntax::parse(text);
        let ins = df.instructions.last().expect("a RUN");
        let script = ins.script().expect("a script");
        let calls = calls(script);
        let call = calls.first().expect("a call");
        let tool = install(call).expect("an install");
        caches_of(call, tool)
            .iter()
            .map(|c| normalize_path(c))
            .collect()
    }

    #[test]
    fn cache_directories() {
        assert_eq!(first_caches("FROM n\nRUN npm ci\n"), ["~/.npm"]);
        assert_eq!(
            first_caches("FROM n\nRUN npm ci --cache=/tmp/x\n"),
            ["/tmp/x"]
        );
        assert_eq!(
            first_caches("FROM n\nRUN YARN_CACHE_FOLDER=/c yarn\n"),
            ["/c"]
        );
        assert_eq!(
            first_caches("FROM n\nRUN yarn --cache-folder /y install\n"),
            ["/y"]
        );
    }
}
