//! Documentation of instructions and their flags in dlint's own words, written for the
//! image-layer view: what each instruction adds to the image (a filesystem layer, only
//! configuration, or nothing) and one short example. Hover shows these; completion uses
//! them for item documentation.
//!
//! Every text is markdown and starts with a one-line summary, so a client that shows only
//! the first line still says something useful.

use crate::model::InstructionKind;

pub use crate::model::known_flags;

/// The documentation of one instruction keyword.
pub fn instruction_doc(kind: InstructionKind) -> Option<&'static str> {
    INSTRUCTIONS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, doc)| *doc)
}

/// The documentation of flag `flag` (without `--`) of `instruction`; `None` when the
/// instruction does not take that flag (an `ONBUILD` takes the flags of what it wraps:
/// pass the wrapped kind).
pub fn flag_doc(instruction: InstructionKind, flag: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .find(|f| f.name == flag && f.instructions.contains(&instruction))
        .map(|f| f.doc)
}

/// The documented flags `instruction` takes, in the order they are usually written.
pub fn flags_of(instruction: InstructionKind) -> impl Iterator<Item = &'static FlagDoc> {
    FLAGS
        .iter()
        .filter(move |f| f.instructions.contains(&instruction))
}

/// One documented flag.
#[derive(Debug)]
pub struct FlagDoc {
    /// Name without `--`.
    pub name: &'static str,
    /// The instructions that accept it.
    pub instructions: &'static [InstructionKind],
    /// Whether it is written `--name=value` (else it may stand alone: `--link`).
    pub needs_value: bool,
    /// Markdown.
    pub doc: &'static str,
}

/// One `RUN --mount` type and the keys it takes.
#[derive(Debug)]
pub struct MountType {
    pub name: &'static str,
    pub doc: &'static str,
    /// `(key, what it means)`.
    pub keys: &'static [(&'static str, &'static str)],
}

/// The mount types of `RUN --mount=type=…`, `bind` (the default) first.
pub const MOUNT_TYPES: &[MountType] = &[
    MountType {
        name: "bind",
        doc: "Read-only view of the build context, or of another stage or image with `from=`. Nothing of it is saved in the layer.",
        keys: &[
            ("target", "where it appears (`dst`, `destination` too)"),
            (
                "source",
                "path in the source (`src` too); default: its root",
            ),
            (
                "from",
                "stage or image to take it from; default: the build context",
            ),
            ("rw", "allow writes (they are thrown away)"),
        ],
    },
    MountType {
        name: "cache",
        doc: "A directory kept between builds (package downloads, compiler caches). Its contents never enter the layer.",
        keys: &[
            ("target", "where it appears"),
            ("id", "cache name; default: the target path"),
            ("sharing", "`shared` (default), `private` or `locked`"),
            ("from", "stage or image to seed it from"),
            ("source", "path in `from` to seed it with"),
            (
                "mode",
                "permissions of a new cache directory (default `0755`)",
            ),
            ("uid", "owner user id (default 0)"),
            ("gid", "owner group id (default 0)"),
            ("ro", "read-only"),
        ],
    },
    MountType {
        name: "secret",
        doc: "A secret passed with `docker build --secret`, as a file or an environment variable; never written to the layer.",
        keys: &[
            ("id", "secret name; default: the target's file name"),
            ("target", "file path; default `/run/secrets/<id>`"),
            ("env", "expose it as this environment variable instead"),
            ("required", "fail when the secret is not passed"),
            ("mode", "file permissions (default `0400`)"),
            ("uid", "owner user id"),
            ("gid", "owner group id"),
        ],
    },
    MountType {
        name: "ssh",
        doc: "The SSH agent socket passed with `docker build --ssh`, for cloning private repositories.",
        keys: &[
            ("id", "agent name (default `default`)"),
            ("target", "socket path; `SSH_AUTH_SOCK` points at it"),
            ("required", "fail when no agent is passed"),
            ("mode", "socket permissions (default `0600`)"),
            ("uid", "owner user id"),
            ("gid", "owner group id"),
        ],
    },
    MountType {
        name: "tmpfs",
        doc: "An empty in-memory directory for this RUN only.",
        keys: &[
            ("target", "where it appears"),
            ("size", "upper bound in bytes"),
        ],
    },
];

use InstructionKind as K;

const INSTRUCTIONS: &[(InstructionKind, &str)] = &[
    (
        K::From,
        "**FROM** starts a build stage on a base image, an earlier stage, or `scratch`.\n\n\
         It makes no layer of its own: the stage starts with every layer of its base, so the \
         base's size is the floor of the image. `AS name` lets later stages refer to it.\n\n\
         ```dockerfile\nFROM python:3.12-slim AS build\n```",
    ),
    (
        K::Run,
        "**RUN** executes a command on top of the image so far and saves every file it \
         changed as a new **filesystem layer**.\n\n\
         Files deleted by a later RUN still ship in this layer: clean up caches in the same \
         RUN that creates them.\n\n\
         ```dockerfile\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n```",
    ),
    (
        K::Cmd,
        "**CMD** sets the default command (or the default arguments of `ENTRYPOINT`) of a \
         container.\n\n\
         Image configuration only, no filesystem layer; the last CMD of the stage wins.\n\n\
         ```dockerfile\nCMD [\"python\", \"-m\", \"app\"]\n```",
    ),
    (
        K::Label,
        "**LABEL** adds key/value metadata to the image (version, source, licence).\n\n\
         Image configuration only, no filesystem layer.\n\n\
         ```dockerfile\nLABEL org.opencontainers.image.source=\"https://github.com/acme/app\"\n```",
    ),
    (
        K::Maintainer,
        "**MAINTAINER** records the author (deprecated).\n\n\
         Image configuration only, no filesystem layer; use a label instead.\n\n\
         ```dockerfile\nLABEL org.opencontainers.image.authors=\"dev@example.com\"\n```",
    ),
    (
        K::Expose,
        "**EXPOSE** documents the ports the container listens on; it publishes nothing by \
         itself.\n\n\
         Image configuration only, no filesystem layer.\n\n\
         ```dockerfile\nEXPOSE 8080/tcp\n```",
    ),
    (
        K::Env,
        "**ENV** sets environment variables for the rest of the stage, for stages built \
         `FROM` it, and for containers.\n\n\
         Image configuration only, but a change rebuilds every later layer of the stage; \
         values are visible in the image (`docker inspect`): never put secrets here.\n\n\
         ```dockerfile\nENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1\n```",
    ),
    (
        K::Add,
        "**ADD** copies files like COPY into a new **filesystem layer**, and can also fetch \
         URLs and git repositories and extract local tar archives.\n\n\
         Prefer COPY for plain files; a remote source is checked again at every build.\n\n\
         ```dockerfile\nADD --checksum=sha256:… https://example.com/tool.tar.gz /opt/\n```",
    ),
    (
        K::Copy,
        "**COPY** copies files from the build context (or another stage with `--from`) into \
         a new **filesystem layer**.\n\n\
         Its cache key is the content of the copied files: copy what changes least first \
         (lock files before sources).\n\n\
         ```dockerfile\nCOPY --from=build /app/dist /srv/app\n```",
    ),
    (
        K::Entrypoint,
        "**ENTRYPOINT** sets the executable a container runs; `CMD` supplies its default \
         arguments.\n\n\
         Image configuration only, no filesystem layer. The exec form passes signals to the \
         process.\n\n\
         ```dockerfile\nENTRYPOINT [\"/usr/local/bin/app\"]\n```",
    ),
    (
        K::Volume,
        "**VOLUME** marks a path as a mount point for external storage.\n\n\
         Image configuration only; changes a later RUN makes under that path are thrown \
         away by the classic builder.\n\n\
         ```dockerfile\nVOLUME /var/lib/data\n```",
    ),
    (
        K::User,
        "**USER** sets the user (and group) later RUN, CMD and ENTRYPOINT run as.\n\n\
         Image configuration only, no filesystem layer; the user should exist in the image.\n\n\
         ```dockerfile\nUSER 10001:10001\n```",
    ),
    (
        K::Workdir,
        "**WORKDIR** sets the working directory for later instructions and the container.\n\n\
         It makes a small **filesystem layer** when it creates the directory; otherwise it \
         only changes the configuration.\n\n\
         ```dockerfile\nWORKDIR /app\n```",
    ),
    (
        K::Arg,
        "**ARG** declares a build argument, set with `--build-arg` or its default.\n\n\
         No layer and not kept in the image config, but every ARG in scope is part of later \
         RUNs' cache keys. Before the first FROM it is global (visible in FROM lines); in a \
         stage it must be declared again to be used.\n\n\
         ```dockerfile\nARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim\n```",
    ),
    (
        K::Onbuild,
        "**ONBUILD** stores an instruction that runs when another Dockerfile builds `FROM` \
         this image.\n\n\
         Image configuration only here; the stored instruction makes its layer in the \
         downstream build.\n\n\
         ```dockerfile\nONBUILD COPY . /app/src\n```",
    ),
    (
        K::Stopsignal,
        "**STOPSIGNAL** sets the signal `docker stop` sends to the container.\n\n\
         Image configuration only, no filesystem layer.\n\n\
         ```dockerfile\nSTOPSIGNAL SIGQUIT\n```",
    ),
    (
        K::Healthcheck,
        "**HEALTHCHECK** sets a command the runtime runs periodically to tell whether the \
         container is healthy (`NONE` disables an inherited one).\n\n\
         Image configuration only, no filesystem layer; the command must exist in the image.\n\n\
         ```dockerfile\nHEALTHCHECK --interval=30s --timeout=3s CMD curl -fs http://localhost/ || exit 1\n```",
    ),
    (
        K::Shell,
        "**SHELL** sets the shell that shell-form RUN, CMD and ENTRYPOINT use.\n\n\
         Image configuration only, no filesystem layer.\n\n\
         ```dockerfile\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n```",
    ),
];

const COPY_ADD: &[InstructionKind] = &[K::Copy, K::Add];

const FLAGS: &[FlagDoc] = &[
    FlagDoc {
        name: "platform",
        instructions: &[K::From],
        needs_value: true,
        doc: "**--platform** picks the platform of a multi-platform base image (`os/arch[/variant]`).\n\n\
              Useful to run build tools natively while cross-compiling: `$BUILDPLATFORM` is \
              the machine building, `$TARGETPLATFORM` the one built for.\n\n\
              ```dockerfile\nFROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build\n```",
    },
    FlagDoc {
        name: "mount",
        instructions: &[K::Run],
        needs_value: true,
        doc: "**--mount** makes files available to this RUN only; nothing mounted is saved in the layer.\n\n\
              `type=` is one of:\n\
              - `bind` (default): read-only view of the build context or of `from=` a stage/image. \
              Keys: `target`, `source`, `from`, `rw`.\n\
              - `cache`: a directory kept between builds (package downloads, compiler caches). \
              Keys: `target`, `id`, `sharing` (`shared`/`private`/`locked`), `from`, `source`, `mode`, `uid`, `gid`, `ro`.\n\
              - `secret`: a `--secret` as a file or variable. \
              Keys: `id`, `target`, `env`, `required`, `mode`, `uid`, `gid`.\n\
              - `ssh`: the SSH agent socket of `--ssh`. \
              Keys: `id`, `target`, `required`, `mode`, `uid`, `gid`.\n\
              - `tmpfs`: an empty in-memory directory. Keys: `target`, `size`.\n\n\
              ```dockerfile\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n```",
    },
    FlagDoc {
        name: "network",
        instructions: &[K::Run],
        needs_value: true,
        doc: "**--network** sets the network this RUN sees: `default`, `none` (no network) or `host` (needs an entitlement).\n\n\
              ```dockerfile\nRUN --network=none make test\n```",
    },
    FlagDoc {
        name: "security",
        instructions: &[K::Run],
        needs_value: true,
        doc: "**--security** runs this RUN `insecure` (privileged, needs the `security.insecure` entitlement) or `sandbox` (default).\n\n\
              ```dockerfile\nRUN --security=insecure mount -t tmpfs none /mnt\n```",
    },
    FlagDoc {
        name: "device",
        instructions: &[K::Run],
        needs_value: true,
        doc: "**--device** exposes a CDI device (a GPU, say) to this RUN; labs syntax.\n\n\
              ```dockerfile\nRUN --device=nvidia.com/gpu=all nvidia-smi\n```",
    },
    FlagDoc {
        name: "from",
        instructions: &[K::Copy],
        needs_value: true,
        doc: "**--from** copies out of an earlier stage (by name or index), an image, or a named context instead of the build context.\n\n\
              Only the copied files land in the layer, which is how multi-stage builds keep \
              build tools out of the final image.\n\n\
              ```dockerfile\nCOPY --from=build /app/target/release/app /usr/local/bin/\n```",
    },
    FlagDoc {
        name: "chown",
        instructions: COPY_ADD,
        needs_value: true,
        doc: "**--chown** sets the owner of the copied files (`user[:group]`, names or ids).\n\n\
              Cheaper than a later `RUN chown`, which copies every file into another layer.\n\n\
              ```dockerfile\nCOPY --chown=10001:10001 app/ /app/\n```",
    },
    FlagDoc {
        name: "chmod",
        instructions: COPY_ADD,
        needs_value: true,
        doc: "**--chmod** sets the permissions of the copied files (octal, or symbolic with newer syntax).\n\n\
              Cheaper than a later `RUN chmod`, which duplicates the files in another layer.\n\n\
              ```dockerfile\nCOPY --chmod=0755 entrypoint.sh /usr/local/bin/\n```",
    },
    FlagDoc {
        name: "link",
        instructions: COPY_ADD,
        needs_value: false,
        doc: "**--link** makes the layer independent of the layers below it, so it is reused even when the base changes, and can be rebased without a rebuild.\n\n\
              ```dockerfile\nCOPY --link --from=build /app /app\n```",
    },
    FlagDoc {
        name: "exclude",
        instructions: COPY_ADD,
        needs_value: true,
        doc: "**--exclude** leaves files matching a pattern out of the copy (repeatable); they do not count towards the cache key either.\n\n\
              ```dockerfile\nCOPY --exclude=*.md --exclude=tests/ . /app\n```",
    },
    FlagDoc {
        name: "parents",
        instructions: COPY_ADD,
        needs_value: false,
        doc: "**--parents** keeps the source's parent directories under the destination (`a/b/c.txt` lands at `/dst/a/b/c.txt`); `/./` in a source marks where the kept path starts.\n\n\
              ```dockerfile\nCOPY --parents ./packages/*/package.json /app/\n```",
    },
    FlagDoc {
        name: "checksum",
        instructions: &[K::Add],
        needs_value: true,
        doc: "**--checksum** verifies a remote ADD source against a digest (`sha256:…`), so the layer is reproducible and tampering fails the build.\n\n\
              ```dockerfile\nADD --checksum=sha256:24454f83… https://example.com/tool.tar.gz /opt/\n```",
    },
    FlagDoc {
        name: "keep-git-dir",
        instructions: &[K::Add],
        needs_value: false,
        doc: "**--keep-git-dir** keeps the `.git` directory when ADD clones a git repository (it is dropped by default, which keeps the layer smaller).\n\n\
              ```dockerfile\nADD --keep-git-dir https://github.com/acme/app.git#v1.2 /src\n```",
    },
    FlagDoc {
        name: "unpack",
        instructions: &[K::Add],
        needs_value: false,
        doc: "**--unpack** says whether ADD extracts an archive (`--unpack=false` copies a local tar as a file; `true` also extracts a remote one).\n\n\
              ```dockerfile\nADD --unpack=false release.tar.gz /opt/release.tar.gz\n```",
    },
    FlagDoc {
        name: "interval",
        instructions: &[K::Healthcheck],
        needs_value: true,
        doc: "**--interval** is the time between health checks (default `30s`).\n\n\
              ```dockerfile\nHEALTHCHECK --interval=1m CMD [\"/app\", \"health\"]\n```",
    },
    FlagDoc {
        name: "timeout",
        instructions: &[K::Healthcheck],
        needs_value: true,
        doc: "**--timeout** is how long one check may run before it counts as failed (default `30s`).\n\n\
              ```dockerfile\nHEALTHCHECK --timeout=5s CMD [\"/app\", \"health\"]\n```",
    },
    FlagDoc {
        name: "start-period",
        instructions: &[K::Healthcheck],
        needs_value: true,
        doc: "**--start-period** is the start-up grace time during which failed checks do not count (default `0s`).\n\n\
              ```dockerfile\nHEALTHCHECK --start-period=40s CMD [\"/app\", \"health\"]\n```",
    },
    FlagDoc {
        name: "start-interval",
        instructions: &[K::Healthcheck],
        needs_value: true,
        doc: "**--start-interval** is the time between checks during the start period (default `5s`).\n\n\
              ```dockerfile\nHEALTHCHECK --start-period=40s --start-interval=2s CMD [\"/app\", \"health\"]\n```",
    },
    FlagDoc {
        name: "retries",
        instructions: &[K::Healthcheck],
        needs_value: true,
        doc: "**--retries** is how many consecutive failures make the container unhealthy (default `3`).\n\n\
              ```dockerfile\nHEALTHCHECK --retries=5 CMD [\"/app\", \"health\"]\n```",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_is_documented() {
        for kind in InstructionKind::ALL {
            let doc = instruction_doc(kind).unwrap_or_else(|| panic!("{kind:?} has no doc"));
            assert!(
                doc.starts_with(&format!("**{}**", kind.as_str())),
                "{kind:?}"
            );
            assert!(doc.contains("```dockerfile\n"), "{kind:?} has no example");
        }
        assert_eq!(instruction_doc(InstructionKind::Unknown), None);
    }

    #[test]
    fn every_known_flag_is_documented_and_no_other() {
        for kind in InstructionKind::ALL {
            let known: Vec<&str> = known_flags(kind).iter().map(|f| f.name).collect();
            for spec in known_flags(kind) {
                let doc = flag_doc(kind, spec.name)
                    .unwrap_or_else(|| panic!("{kind:?} --{} has no doc", spec.name));
                assert!(doc.starts_with(&format!("**--{}**", spec.name)));
                assert!(doc.contains("```dockerfile\n"));
            }
            for f in flags_of(kind) {
                assert!(
                    known.contains(&f.name),
                    "{kind:?} --{} is not known",
                    f.name
                );
                let spec = known_flags(kind).iter().find(|s| s.name == f.name);
                assert_eq!(
                    spec.map(|s| s.needs_value),
                    Some(f.needs_value),
                    "--{}",
                    f.name
                );
            }
        }
        assert_eq!(flag_doc(InstructionKind::Copy, "mount"), None);
        assert_eq!(flag_doc(InstructionKind::Run, "nope"), None);
    }

    #[test]
    fn mount_doc_names_every_type_and_key() {
        let doc = flag_doc(InstructionKind::Run, "mount").unwrap_or_default();
        for ty in MOUNT_TYPES {
            assert!(doc.contains(&format!("`{}`", ty.name)), "{}", ty.name);
            for (key, _) in ty.keys {
                assert!(doc.contains(&format!("`{key}`")), "{}: {key}", ty.name);
            }
        }
    }
}
