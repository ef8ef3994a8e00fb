//! CO022 `invalid-base-image-platform`: a `FROM --platform` whose image is not published
//! for that platform, as far as the offline catalogue knows.

use std::collections::HashSet;

use crate::diagnostic::{Category, Severity};
use crate::layers::vars;
use crate::model::{Dockerfile, Instruction, InstructionKind, Stage};
use crate::registry::catalog::{self, normalize_platform};
use crate::rules::base_image::{base_image, split_reference};
use crate::rules::correctness::util::{PLATFORM_ARGS, stage_of, var_refs};
use crate::rules::{Context, FixAvailability, OptionError, Rule, RuleMeta};

const DOCS: &str = r#"Checks for a base image that is not published for the platform its stage is built for.

## What it does
Flags a `FROM --platform=os/arch` whose image, as dlint's offline catalogue of base images
knows it, has no image for that operating system and architecture: `alpine:3.19` was never
built for `linux/riscv64`. The platform and the image are read after the defaults of the
global `ARG`s are substituted. Platforms are compared as BuildKit compares them, by
operating system and architecture (`linux/arm64` is `linux/arm64/v8`, `aarch64` is
`arm64`); the variant does not count.

A `FROM` without `--platform` is built for the platform the build asks for: dlint judges it
when the configuration names one (`[build] platform`), and leaves it alone otherwise.

dlint stays silent when it does not know: an image or tag that is not in the catalogue, a
platform that depends on the build (`$BUILDPLATFORM`, `$TARGETARCH`, an `ARG` without a
default), `scratch`, an earlier stage.

Differences from BuildKit InvalidBaseImagePlatform: BuildKit checks after pulling, the image
the registry serves today, for the platform of the actual build (so also a `FROM` without
`--platform`), and only in the stages the build target needs. dlint checks without network,
every stage with a constant `--platform`, against its catalogue's dated snapshot of the
tag's platforms (the date is in the finding); a tag that gained a platform since is
reported until the catalogue catches up (`dlint image REF --platform P` asks the registry).

## Why is this bad?
An image that has no build for the platform is still pulled when it is a single manifest,
or when its index has a compatible platform (`linux/arm/v7` for an arm64 build): every
`RUN` then runs under emulation or fails with `exec format error`, and the image built is
not for the platform it claims. Otherwise the pull fails with `no match for platform in
manifest`.

## Example
```dockerfile
FROM --platform=linux/riscv64 alpine:3.19
```

Use instead:
```dockerfile
FROM --platform=linux/riscv64 alpine:3.20
```

## Options
- `platform` (string like `"linux/arm64"`, default: `[build] platform`, else none): the
  platform of the stages without `--platform`.

```toml
[build]
platform = "linux/arm64"
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Multi-platform builds](https://docs.docker.com/build/building/multi-platform/)
- [BuildKit check: InvalidBaseImagePlatform](https://docs.docker.com/reference/build-checks/invalid-base-image-platform/)
"#;

/// A base image that is not published for the platform its stage is built for.
#[derive(Debug, Default)]
pub struct InvalidBaseImagePlatform {
    /// The platform of a stage without `--platform` (`[build] platform`).
    platform: Option<String>,
}

impl InvalidBaseImagePlatform {
    pub const META: RuleMeta = RuleMeta {
        code: "CO022",
        name: "invalid-base-image-platform",
        category: Category::Correctness,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        since: "0.1.0",
        upstream: Some("buildkit: InvalidBaseImagePlatform"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

impl Rule for InvalidBaseImagePlatform {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn configure(&mut self, options: &toml::Table) -> Result<(), OptionError> {
        for (key, value) in options {
            let error = |message: String| OptionError {
                key: Some(key.clone()),
                message,
            };
            match key.as_str() {
                "platform" => {
                    let platform = value
                        .as_str()
                        .map(str::trim)
                        .filter(|p| p.split('/').filter(|s| !s.is_empty()).count() >= 2)
                        .ok_or_else(|| {
                            error(format!(
                                "expected a platform like \"linux/arm64\", found {value}"
                            ))
                        })?;
                    self.platform = Some(platform.to_owned());
                }
                _ => {
                    return Err(error(format!(
                        "unknown option `{key}` of rule CO022 (invalid-base-image-platform); expected one of: platform"
                    )));
                }
            }
        }
        Ok(())
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let Some(stage) = stage_of(ins, ctx) else {
            return;
        };
        let derived = ctx.memo(|| PlatformDerived(platform_derived_globals(ctx.file)));
        let derived = &derived.0;
        // A stage without `--platform` is built for the configured platform (`[build]
        // platform`, given as this rule's `platform` option); without one, for a platform
        // dlint does not know.
        let (target, flag) = match &stage.platform {
            Some(flag) => match target_platform(stage, ctx, derived) {
                Some(target) => (target, Some(flag)),
                None => return,
            },
            None => match &self.platform {
                Some(platform) => (platform.clone(), None),
                None => return,
            },
        };
        // `scratch`, an earlier stage and an unresolved reference are no image.
        let Some(base) = base_image(ins, ctx) else {
            return;
        };
        // The analysis expands `$TARGETARCH` for linux/amd64, which says nothing about
        // the image this build pulls.
        let from_platform = stage.base.as_ref().is_some_and(|word| {
            var_refs(&word.value, ctx.file.escape)
                .iter()
                .any(|r| is_platform_dependent(&r.name, derived))
        });
        if from_platform {
            return;
        }
        let Some(image) = catalog::find(&base.reference) else {
            return;
        };
        let (_, _, digest) = split_reference(&base.reference);
        let Some(published) = image.published_platforms(digest) else {
            return;
        };
        let want = os_arch(&target);
        if published.iter().any(|p| os_arch(p) == want) {
            return;
        }
        let as_of = image.as_of.get(..10).unwrap_or(&image.as_of);
        // The finding is on the image reference, not on the flag: the message is about the
        // image, the fix is usually another tag (the platform is what the stage is for),
        // and a reference is there even when the platform comes from elsewhere (BuildKit
        // reports the whole `FROM`). The flag is shown as related.
        let configured = if flag.is_some() {
            ""
        } else {
            ", the configured `[build] platform`,"
        };
        let finding = ctx
            .report(
                &Self::META,
                base.range,
                format!(
                    "`{}` has no {target} image{configured} (available: {})",
                    base.reference,
                    published.join(", ")
                ),
            )
            .with_help(format!(
                "Use an image or tag published for {target}, or build this stage for a listed platform (dlint's catalogue, as of {as_of})"
            ));
        if let Some(flag) = flag {
            finding.with_related(flag.range, format!("the stage is built for {target}"));
        }
    }
}

/// [`platform_derived_globals`] of the file, made once per file (a type of its own: the
/// memo is keyed by type).
struct PlatformDerived(HashSet<String>);

/// Whether `name` has a value only the build knows: a platform `ARG`, or a global `ARG`
/// derived from one.
fn is_platform_dependent(name: &str, derived: &HashSet<String>) -> bool {
    PLATFORM_ARGS.contains(&name) || derived.contains(name)
}

/// The global `ARG`s whose default uses a platform `ARG` (`ARG ARCH=${TARGETARCH}`),
/// directly or through another such `ARG`. The analysis gives them their `linux/amd64`
/// value, which is not what a build for another platform sees.
fn platform_derived_globals(file: &Dockerfile) -> HashSet<String> {
    let mut derived = HashSet::new();
    for ins in file.global_instructions() {
        if ins.kind != InstructionKind::Arg {
            continue;
        }
        for word in ins.words() {
            let (name, default) = word
                .value
                .split_once('=')
                .unwrap_or((word.value.as_str(), ""));
            let uses_platform = var_refs(default, file.escape)
                .iter()
                .any(|r| is_platform_dependent(&r.name, &derived));
            // A later declaration replaces an earlier one.
            if uses_platform {
                derived.insert(name.to_owned());
            } else if word.value.contains('=') {
                derived.remove(name);
            }
        }
    }
    derived
}

/// The platform of `stage`'s `--platform` with the global `ARG` defaults substituted, when
/// it is a constant `os/arch[/variant]`; `None` when it depends on the build or is not a
/// full platform (`linux` alone means the builder's architecture).
fn target_platform(stage: &Stage, ctx: &Context<'_>, derived: &HashSet<String>) -> Option<String> {
    let flag = stage.platform.as_ref()?;
    let globals = &ctx.analysis().global_args;
    let expanded = vars::expand(&flag.value, ctx.file.escape, &|n| {
        if is_platform_dependent(n, derived) {
            None
        } else {
            globals.get(n).cloned().flatten()
        }
    });
    if !expanded.unset.is_empty()
        || expanded
            .used
            .iter()
            .any(|n| is_platform_dependent(n, derived))
    {
        return None;
    }
    let value = expanded.value.trim();
    let parts: Vec<&str> = value.split('/').collect();
    let well_formed = (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        });
    well_formed.then(|| value.to_owned())
}

/// The operating system and architecture of a platform, normalised (`linux/aarch64` →
/// `linux/arm64`): what BuildKit compares.
fn os_arch(platform: &str) -> String {
    let normal = normalize_platform(platform);
    let mut parts = normal.splitn(3, '/');
    let os = parts.next().unwrap_or_default();
    let arch = parts.next().unwrap_or_default();
    format!("{os}/{arch}")
}

#[cfg(test)]
mod tests {
    use super::os_arch;
    use crate::rules::test_support::{diagnostics, findings, lines};

    #[test]
    fn flags_an_image_without_the_platform() {
        let f = findings(
            "CO022",
            "FROM --platform=linux/riscv64 alpine:3.19 AS base\n",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "alpine:3.19");
        assert_eq!(
            f[0].2,
            "`alpine:3.19` has no linux/riscv64 image (available: linux/amd64, linux/arm/v6, \
             linux/arm/v7, linux/arm64/v8, linux/386, linux/ppc64le, linux/s390x)"
        );
        let d = &diagnostics("CO022", "FROM --platform=linux/riscv64 alpine:3.19\n")[0];
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("dlint's catalogue, as of 20"), "{help}");
        assert_eq!(d.related.len(), 1, "the flag is related");
    }

    #[test]
    fn platforms_compare_by_os_and_architecture() {
        assert_eq!(os_arch("linux/aarch64"), "linux/arm64");
        assert_eq!(os_arch("Linux/ARM64/v8"), "linux/arm64");
        assert_eq!(os_arch("linux/x86_64"), "linux/amd64");
        // `linux/arm64` finds `linux/arm64/v8`; distroless writes `linux/arm` without a
        // variant, which serves `linux/arm/v6` as BuildKit sees it.
        let text = "FROM --platform=linux/arm64 alpine:3.19\n\
                    FROM --platform=linux/aarch64 alpine:3.19\n\
                    FROM --platform=linux/arm/v6 gcr.io/distroless/static\n\
                    FROM --platform=linux/amd64 nginx:alpine\n";
        assert_eq!(lines("CO022", text), [] as [u32; 0]);
        // Only amd64 and arm64 exist for the JRE on Alpine.
        let text = "FROM --platform=linux/arm/v7 eclipse-temurin:21-jre-alpine\n\
                    FROM --platform=windows/amd64 alpine:3.20\n\
                    FROM --platform=windows/amd64 python:3.13\n";
        assert_eq!(lines("CO022", text), [1, 2]);
    }

    #[test]
    fn arg_defaults_are_substituted() {
        let text = "ARG PLATFORM=linux/s390x\nARG TAG=21-jre-alpine\n\
                    FROM --platform=${PLATFORM} eclipse-temurin:${TAG}\n";
        let f = findings("CO022", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "eclipse-temurin:${TAG}");
        assert!(
            f[0].2
                .starts_with("`eclipse-temurin:21-jre-alpine` has no linux/s390x image"),
            "{f:?}"
        );
    }

    #[test]
    fn platforms_the_build_chooses_are_unknown() {
        let text = "ARG BUILD=$BUILDPLATFORM\nARG ARCH=${TARGETARCH}\nARG NODEFAULT\n\
                    FROM --platform=$BUILDPLATFORM alpine:3.19\n\
                    FROM --platform=${TARGETPLATFORM} alpine:3.19\n\
                    FROM --platform=linux/${TARGETARCH} alpine:3.19\n\
                    FROM --platform=$BUILD alpine:3.19\n\
                    FROM --platform=linux/$ARCH alpine:3.19\n\
                    FROM --platform=$NODEFAULT alpine:3.19\n\
                    FROM --platform=$UNDECLARED alpine:3.19\n\
                    FROM --platform=riscv64 alpine:3.19\n\
                    FROM alpine:3.19\n";
        assert_eq!(lines("CO022", text), [] as [u32; 0]);
        // An image chosen by the platform: the analysis's amd64 reading says nothing.
        let text = "FROM --platform=linux/riscv64 ${TARGETARCH}/alpine:3.19\n";
        assert_eq!(lines("CO022", text), [] as [u32; 0]);
    }

    #[test]
    fn unknown_images_scratch_and_stages_are_silent() {
        let text = "FROM --platform=linux/riscv64 golang:1.22 AS build\n\
                    FROM --platform=linux/riscv64 scratch\n\
                    FROM --platform=linux/riscv64 build\n\
                    FROM --platform=linux/riscv64 example.com/app:1\n\
                    FROM --platform=linux/arm64 gcr.io/distroless/java17\n";
        assert_eq!(lines("CO022", text), [] as [u32; 0]);
    }

    #[test]
    fn a_digest_pin_to_one_platform_is_that_platform() {
        let amd64 = "sha256:d657ab0ade19f404a6ccc883ab399540de667aff751748ce23c07330c5a89e64";
        let text = format!("FROM --platform=linux/arm64 python@{amd64}\n");
        let f = findings("CO022", &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].2.ends_with("(available: linux/amd64)"), "{f:?}");
        let text = format!("FROM --platform=linux/amd64 python:3.12-slim@{amd64}\n");
        assert_eq!(lines("CO022", &text), [] as [u32; 0]);
    }

    /// The findings' messages with the rule configured for `platform`.
    fn configured(platform: &str, text: &str) -> Vec<String> {
        use crate::rules::Rule as _;
        let mut rule = super::InvalidBaseImagePlatform::default();
        let mut options = toml::Table::new();
        options.insert("platform".into(), platform.into());
        rule.configure(&options).expect("valid options");
        let df = crate::syntax::parse(text);
        crate::rules::run_rules(
            &df,
            text,
            vec![Box::new(rule)],
            &crate::rules::FileFacts::default(),
        )
        .into_iter()
        .map(|d| d.message)
        .collect()
    }

    #[test]
    fn a_stage_without_platform_is_built_for_the_configured_one() {
        let text = "FROM alpine:3.19 AS a\nFROM --platform=linux/amd64 alpine:3.19\n";
        assert_eq!(
            configured("linux/riscv64", text),
            [
                "`alpine:3.19` has no linux/riscv64 image, the configured `[build] platform`, \
              (available: linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/386, \
              linux/ppc64le, linux/s390x)"
            ]
        );
        assert!(configured("linux/arm64", text).is_empty());
        // Without a configured platform a stage without `--platform` is not judged.
        assert!(lines("CO022", text).is_empty());
    }

    #[test]
    fn bad_platform_options_are_refused() {
        use crate::rules::Rule as _;
        for bad in [toml::Value::from("linux"), toml::Value::from(3)] {
            let mut options = toml::Table::new();
            options.insert("platform".into(), bad.clone());
            let err = super::InvalidBaseImagePlatform::default()
                .configure(&options)
                .unwrap_err();
            assert_eq!(err.key.as_deref(), Some("platform"), "{bad}");
        }
        let mut options = toml::Table::new();
        options.insert("platfrom".into(), "linux/arm64".into());
        assert!(
            super::InvalidBaseImagePlatform::default()
                .configure(&options)
                .is_err()
        );
    }
}
