//! SZ008 `conda-clean-missing`: `conda install` without `conda clean` in the same RUN.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{Call, calls};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::{
    checked_script, later, layer, mounted_like, mounted_over, normalize_path, removed_paths,
    removes, shown_subcommand,
};

const DOCS: &str = r"Checks for `conda install` and `conda create` without a `conda clean` in the same RUN.

## What it does
Flags `install`, `create`, `update` and `upgrade` (also `env create` and `env update`) of
`conda`, `mamba` and `micromamba` when nothing later in the same RUN cleans the package
cache: `conda clean` with any options (`mamba clean`, `micromamba clean` too), or an `rm`
of the `pkgs` directory (`/opt/conda/pkgs`). A RUN that mounts a cache over the `pkgs`
directory is not flagged.

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`sh -c '...'`) is not seen, though a cleanup
there is.

## Why is this bad?
conda keeps every package archive it downloads, and its extracted copy, in the `pkgs`
directory of the installation: often hundreds of megabytes, as much again as the
environment itself. A later RUN cannot remove them from the layer.

## Example
```dockerfile
FROM continuumio/miniconda3
RUN conda install -y numpy
```

Use instead:
```dockerfile
FROM continuumio/miniconda3
RUN conda install -y numpy && conda clean --all --yes
```

## References
- [conda documentation: `conda clean`](https://docs.conda.io/projects/conda/en/stable/commands/clean.html)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
";

declare_rule! {
    /// `conda install` without `conda clean` in the same RUN.
    pub struct CondaCleanMissing;
    code: "SZ008",
    name: "conda-clean-missing",
    category: Size,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Options of conda that take a separate value.
const VALUE_OPTIONS: &[&str] = &[
    "-n",
    "--name",
    "-p",
    "--prefix",
    "-c",
    "--channel",
    "-f",
    "--file",
    "-r",
    "--root-prefix",
];

fn is_conda(name: &str) -> bool {
    matches!(name, "conda" | "mamba" | "micromamba")
}

/// The subcommand word when the call fills the package cache.
fn fills<'c>(call: &'c Call<'_>) -> Option<&'c Word> {
    if !is_conda(&call.name) {
        return None;
    }
    let sub = call.subcommand(VALUE_OPTIONS)?;
    match sub.value.as_str() {
        "install" | "create" | "update" | "upgrade" => Some(sub),
        "env" => call
            .arg_after(sub)
            .filter(|w| matches!(w.value.as_str(), "create" | "update"))
            .map(|_| sub),
        _ => None,
    }
}

fn cleans(call: &Call<'_>) -> bool {
    let clean = is_conda(&call.name)
        && call
            .subcommand(VALUE_OPTIONS)
            .is_some_and(|w| w.value == "clean");
    clean
        || removes(call, "/opt/conda/pkgs")
        || removed_paths(call)
            .iter()
            .any(|p| normalize_path(p).ends_with("/pkgs"))
}

impl Rule for CondaCleanMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        if mounted_over(ins, "/opt/conda/pkgs") || mounted_like(ins, &["pkgs"]) {
            return;
        }
        let calls = calls(script);
        let offender = calls
            .iter()
            .rev()
            .filter_map(|c| fills(c).map(|sub| (c, sub)))
            .find(|(c, _)| !later(calls, c.index, cleans));
        let Some((call, sub)) = offender else {
            return;
        };
        // `conda env create`: the subcommand is two words.
        let (last, shown) = shown_subcommand(call, sub, sub.value == "env");
        let message = format!(
            "`{shown}` leaves downloaded packages in the `pkgs` cache in {}",
            layer(ins)
        );
        let _ = ctx
            .report(&Self::META, call.range_to(last), message)
            .with_help(format!(
                "Run `{} clean --all --yes` at the end of the same RUN",
                call.name
            ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SZ008";

    #[test]
    fn install_without_clean_is_flagged() {
        assert_eq!(
            findings(CODE, "FROM c\nRUN conda install -y numpy\n"),
            [(
                2,
                "conda install".to_owned(),
                "`conda install` leaves downloaded packages in the `pkgs` cache in this layer (line 2)"
                    .to_owned()
            )]
        );
        assert_eq!(
            findings(CODE, "FROM c\nRUN conda env create -f environment.yml\n")[0].2,
            "`conda env create` leaves downloaded packages in the `pkgs` cache in this layer (line 2)"
        );
    }

    #[test]
    fn spellings_and_shapes() {
        for text in [
            "FROM c\nRUN mamba install -y -c conda-forge numpy\n",
            "FROM c\nRUN micromamba install -y -n base -f env.yaml\n",
            "FROM c\nRUN /opt/conda/bin/conda create -n py python=3.12\n",
            "FROM c\nRUN set -eux; \\\n  conda update -n base conda\n",
            "FROM c\nRUN <<EOF\nconda install x\nEOF\n",
            "FROM c\nRUN conda clean -afy && conda install x\n",
            "FROM c\nRUN conda install x && rm -rf /tmp/*\n",
        ] {
            assert_eq!(lines(CODE, text).len(), 1, "{text}");
        }
    }

    #[test]
    fn cleaned_or_mounted_caches_are_clean() {
        for text in [
            "FROM c\nRUN conda install -y x && conda clean -afy\n",
            "FROM c\nRUN mamba install -y x && mamba clean --all -f -y && fix-permissions $CONDA_DIR\n",
            "FROM c\nRUN micromamba install -y x && micromamba clean --all --yes\n",
            "FROM c\nRUN conda install x; conda clean --tarballs\n",
            "FROM c\nRUN conda install x && rm -rf /opt/conda/pkgs/*\n",
            "FROM c\nRUN conda install x && rm -rf $CONDA_DIR/pkgs\n",
            "FROM c\nRUN --mount=type=cache,target=/opt/conda/pkgs conda install x\n",
            "FROM c\nRUN --mount=type=cache,target=/root/micromamba/pkgs micromamba install x\n",
            "FROM c\nRUN conda activate x && conda list && conda config --add channels x\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
