//! MA024 `pointless-command`: a command that makes no sense in an image build (`vim`,
//! `shutdown`, `service ... start`).

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{Call, calls_with_inline, posix_script};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::{Operator, ShellScript};

const DOCS: &str = r#"Checks for commands that make no sense in an image build.

## What it does
Flags these programs when a RUN runs them (through `sudo` and `sh -c '...'` too, but not
as the argument of another command: `apt-get install vim` is fine):
- `shutdown`, and `ps`, `top` and `free`, which only show the state of the build
  container;
- `vim`, unless scripted (`vim +PlugInstall +qall`, `vim -c ...`, `vim -es`);
- `service`, when it starts a service and nothing runs after it in the RUN
  (`service nginx start` starts a daemon that is killed when the RUN ends, while
  `service postgresql start && psql ...` uses it), or stops or queries one that the RUN
  did not start;
- `kill`, unless the RUN started something before it (`&`, `service`) or kills a process
  id it reads (`kill $PID`);
- `ssh`, unless the RUN mounts an SSH agent (`RUN --mount=type=ssh`);
- `mount`, unless the RUN is `--security=insecure`.

Differences from hadolint DL3001: the programs are hadolint's (its message also names
`ifconfig`, which it does not check), but hadolint flags them wherever they run, also where
they do something the build needs:

```dockerfile
FROM postgres:16
# hadolint DL3001 here; dlint: fine, the server is used, then stopped
RUN service postgresql start && psql -c 'CREATE DATABASE app' && service postgresql stop
```

## Why is this bad?
A RUN runs non-interactively in a container that exists only for that step: there is no
terminal for an editor, no system to shut down, and no process of an earlier step left to
inspect, kill or talk to; nothing a daemon does survives the RUN except files. Such a
command is a leftover from an interactive session, hangs the build, or does nothing.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y nginx && service nginx start
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y nginx
CMD ["nginx", "-g", "daemon off;"]
```

## References
- [Dockerfile reference: RUN](https://docs.docker.com/reference/dockerfile/#run)
- [Dockerfile reference: RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)
- [hadolint DL3001](https://github.com/hadolint/hadolint/wiki/DL3001)
"#;

declare_rule! {
    /// A command that makes no sense in an image build.
    pub struct PointlessCommand;
    code: "MA024",
    name: "pointless-command",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3001"),
    docs: DOCS,
}

/// Whether the RUN has flag `name` with a value containing `part`.
fn has_flag(ins: &Instruction, name: &str, part: &str) -> bool {
    ins.flags
        .iter()
        .any(|f| f.name.value == name && f.value_str().is_some_and(|v| v.contains(part)))
}

/// Whether a `vim` call runs commands instead of opening an editor.
fn scripted_vim(call: &Call<'_>) -> bool {
    call.arg_values().any(|a| {
        a.starts_with('+')
            || matches!(a, "-c" | "--cmd" | "-s" | "-S" | "--headless" | "--version")
            || (a.starts_with('-') && !a.starts_with("--") && (a.contains('e') || a.contains('E')))
    })
}

/// Whether any command of `script` runs after the one at `index` (and is not nested in
/// its arguments).
fn followed(script: &ShellScript, index: usize) -> bool {
    let Some(cmd) = script.commands.get(index) else {
        return false;
    };
    script.commands[index + 1..]
        .iter()
        .any(|c| c.range.start >= cmd.range.end)
}

/// Why a `service` call does nothing that lasts, and what to do instead: it starts a
/// service that nothing in the RUN uses (`service nginx start` last), or stops or queries
/// one that the RUN did not start.
fn pointless_service(
    call: &Call<'_>,
    script: &ShellScript,
) -> Option<(&'static str, &'static str)> {
    let action = call.operands(&[]).get(1).map(|w| w.value.as_str());
    if matches!(
        action,
        Some("start" | "restart" | "reload" | "force-reload" | "try-restart")
    ) {
        (!followed(script, call.index)).then_some((
            "the service is stopped when the RUN ends: nothing of it is left in the image",
            "Start the service from the image's `CMD` or `ENTRYPOINT`",
        ))
    } else {
        let started = script.commands[..call.index.min(script.commands.len())]
            .iter()
            .any(|c| c.program() == Some("service"));
        (!started).then_some((
            "no service runs in a build container unless this RUN starts it",
            "Remove it",
        ))
    }
}

/// Whether the RUN started something before command `index` that a `kill` may stop: a
/// background job or a service.
fn started_before(script: &ShellScript, index: usize) -> bool {
    script.commands[..index.min(script.commands.len())]
        .iter()
        .any(|c| {
            c.next == Some(Operator::Background)
                || matches!(c.program(), Some("service" | "systemctl"))
        })
}

/// Why `call` makes no sense here, and what to do instead; `None` when it may.
fn pointless(
    call: &Call<'_>,
    ins: &Instruction,
    script: &ShellScript,
) -> Option<(&'static str, &'static str)> {
    let why = match &*call.name {
        "shutdown" => (
            "there is no system to shut down in a build container",
            "Remove it",
        ),
        "ps" | "top" | "free" => (
            "it only shows the state of the build container, which is gone when the RUN ends",
            "Remove it",
        ),
        "vim" if !scripted_vim(call) => (
            "there is no terminal to edit in: the build waits or fails",
            "Edit the file with `sed`, or `COPY` a prepared one",
        ),
        "service" if !call.nested => return pointless_service(call, script),
        "kill"
            if !started_before(script, call.index)
                && !call
                    .arg_values()
                    .any(|a| a.contains('$') || a.starts_with('%')) =>
        {
            (
                "no process of an earlier instruction is running in this RUN",
                "Remove it",
            )
        }
        "ssh" if !has_flag(ins, "mount", "type=ssh") => (
            "the image then depends on a remote host and on credentials given to the build",
            "Fetch files with `COPY`/`ADD`, or mount the SSH agent with `RUN --mount=type=ssh`",
        ),
        "mount" if !has_flag(ins, "security", "insecure") => (
            "a build container may not mount file systems",
            "Use `RUN --mount=type=bind|cache|tmpfs` instead",
        ),
        _ => return None,
    };
    Some(why)
}

impl Rule for PointlessCommand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        for call in calls_with_inline(script) {
            let Some((why, help)) = pointless(call, ins, script) else {
                continue;
            };
            ctx.report(
                &Self::META,
                call.program.range,
                format!("`{}` in a RUN: {why}", call.name),
            )
            .with_help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA024";

    #[test]
    fn pointless_programs_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN apt-get install -y nginx && service nginx start\n"),
            [(
                2,
                "service".to_owned(),
                "`service` in a RUN: the service is stopped when the RUN ends: nothing of it is left in the image".to_owned()
            )]
        );
        let text = "FROM a\nRUN vim /etc/hosts\nRUN sudo shutdown -h now\nRUN ps aux | grep x\n\
                    RUN top -b -n 1 && free -m\nRUN kill -9 1\nRUN ssh host make\n\
                    RUN mount -t tmpfs none /mnt\nRUN sh -c 'vim x'\n";
        assert_eq!(lines(CODE, text), [2, 3, 4, 5, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn arguments_and_meaningful_uses_are_clean() {
        let text = "FROM a\nRUN apt-get install -y vim openssh-client procps\n\
                    RUN vim +PlugInstall +qall && vim -es -c 'set x' f\n\
                    RUN service postgresql start && psql -c 'create database x'\n\
                    RUN Xvfb :1 & sleep 1 && make test && kill %1\nRUN service x start && y && service x stop\nRUN kill \"$(cat /run/x.pid)\"\n\
                    RUN --mount=type=ssh ssh -T git@example.com || true\n\
                    RUN --security=insecure mount -t tmpfs none /mnt\n\
                    RUN echo ps top free\nCMD service nginx start\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }
}
