//! Instruction keywords and the flags each one accepts.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum InstructionKind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Any other word; BuildKit's parser accepts it and fails later.
    Unknown,
}

impl InstructionKind {
    pub const ALL: [Self; 18] = [
        Self::Add,
        Self::Arg,
        Self::Cmd,
        Self::Copy,
        Self::Entrypoint,
        Self::Env,
        Self::Expose,
        Self::From,
        Self::Healthcheck,
        Self::Label,
        Self::Maintainer,
        Self::Onbuild,
        Self::Run,
        Self::Shell,
        Self::Stopsignal,
        Self::User,
        Self::Volume,
        Self::Workdir,
    ];

    /// The keyword in any case.
    pub fn from_keyword(word: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .unwrap_or(Self::Unknown)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Add => "ADD",
            Self::Arg => "ARG",
            Self::Cmd => "CMD",
            Self::Copy => "COPY",
            Self::Entrypoint => "ENTRYPOINT",
            Self::Env => "ENV",
            Self::Expose => "EXPOSE",
            Self::From => "FROM",
            Self::Healthcheck => "HEALTHCHECK",
            Self::Label => "LABEL",
            Self::Maintainer => "MAINTAINER",
            Self::Onbuild => "ONBUILD",
            Self::Run => "RUN",
            Self::Shell => "SHELL",
            Self::Stopsignal => "STOPSIGNAL",
            Self::User => "USER",
            Self::Volume => "VOLUME",
            Self::Workdir => "WORKDIR",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// RUN, COPY and ADD may carry heredocs.
    pub const fn can_have_heredoc(self) -> bool {
        matches!(self, Self::Run | Self::Copy | Self::Add)
    }

    /// Instructions whose arguments may be a JSON array.
    pub const fn accepts_exec_form(self) -> bool {
        matches!(
            self,
            Self::Run
                | Self::Cmd
                | Self::Entrypoint
                | Self::Shell
                | Self::Volume
                | Self::Copy
                | Self::Add
                | Self::Healthcheck
        )
    }
}

/// A flag an instruction accepts: its name and whether it needs a value.
#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    pub name: &'static str,
    /// `--link` and `--parents` may stand alone; most flags need `=value`.
    pub needs_value: bool,
}

const fn v(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        needs_value: true,
    }
}

const fn b(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        needs_value: false,
    }
}

const FROM_FLAGS: &[FlagSpec] = &[v("platform")];
const RUN_FLAGS: &[FlagSpec] = &[v("mount"), v("network"), v("security"), v("device")];
const COPY_FLAGS: &[FlagSpec] = &[
    v("from"),
    v("chown"),
    v("chmod"),
    b("link"),
    b("parents"),
    v("exclude"),
];
const ADD_FLAGS: &[FlagSpec] = &[
    v("chown"),
    v("chmod"),
    b("link"),
    v("checksum"),
    b("keep-git-dir"),
    v("exclude"),
    b("parents"),
    b("unpack"),
];
const HEALTHCHECK_FLAGS: &[FlagSpec] = &[
    v("interval"),
    v("timeout"),
    v("start-period"),
    v("start-interval"),
    v("retries"),
];

/// The flags current BuildKit (dockerfile frontend 1.x, labs included) accepts.
pub fn known_flags(kind: InstructionKind) -> &'static [FlagSpec] {
    match kind {
        InstructionKind::From => FROM_FLAGS,
        InstructionKind::Run => RUN_FLAGS,
        InstructionKind::Copy => COPY_FLAGS,
        InstructionKind::Add => ADD_FLAGS,
        InstructionKind::Healthcheck => HEALTHCHECK_FLAGS,
        _ => &[],
    }
}
