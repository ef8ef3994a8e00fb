use super::{Operator, unquote};
use crate::syntax::parse;

fn commands(text: &str) -> Vec<(String, Vec<String>, Option<Operator>)> {
    let df = parse(text);
    let ins = df
        .instructions
        .iter()
        .rev()
        .find(|i| i.effective().script().is_some())
        .expect("a RUN");
    ins.effective()
        .script()
        .expect("script")
        .commands
        .iter()
        .map(|c| {
            (
                c.program().unwrap_or("").to_owned(),
                c.arg_values().map(str::to_owned).collect(),
                c.next,
            )
        })
        .collect()
}

#[test]
fn chains_and_continuations() {
    let text = "FROM a\nRUN set -eux; \\\n    apt-get update && \\\n    # comment\n    apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n";
    let c = commands(text);
    let names: Vec<_> = c.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["set", "apt-get", "apt-get", "rm"]);
    assert_eq!(c[0].2, Some(Operator::Seq));
    assert_eq!(c[1].2, Some(Operator::And));
    assert_eq!(c[2].1, ["install", "-y", "--no-install-recommends", "curl"]);
    assert_eq!(c[3].1, ["-rf", "/var/lib/apt/lists/*"]);
    assert_eq!(c[3].2, None);
}

#[test]
fn word_ranges_point_into_the_dockerfile() {
    let text = "FROM a\nRUN apk add \\\n  --no-cache git\n";
    let df = parse(text);
    let script = df.instructions[1].script().expect("script");
    let cmd = &script.commands[0];
    assert_eq!(cmd.args[1].range.slice(text), "--no-cache");
    assert_eq!(cmd.args[2].range.slice(text), "git");
    assert_eq!(cmd.name.as_ref().map(|n| n.range.slice(text)), Some("apk"));
}

#[test]
fn env_prefix_pipes_subshells_and_or() {
    let c = commands(
        "FROM a\nRUN DEBIAN_FRONTEND=noninteractive apt-get -qq update || (echo failed && exit 1) | tee log\n",
    );
    let names: Vec<_> = c.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["apt-get", "echo", "exit", "tee"]);
    assert_eq!(c[0].2, Some(Operator::Or));
    let df = parse("FROM a\nRUN DEBIAN_FRONTEND=noninteractive apt-get update\n");
    let cmd = &df.instructions[1].script().expect("script").commands[0];
    assert_eq!(cmd.env[0].value, "DEBIAN_FRONTEND=noninteractive");
}

#[test]
fn heredoc_bodies_are_the_script() {
    let text = "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n";
    let c = commands(text);
    assert_eq!(
        c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["apt-get", "apt-get"]
    );
    let df = parse(text);
    let cmd = &df.instructions[1].script().expect("script").commands[1];
    assert_eq!(cmd.args[2].range.slice(text), "curl");
    // `RUN cat <<EOF > /f` writes a file: the body is data, `cat` is the command.
    let c = commands("FROM a\nRUN cat <<EOF > /etc/x\nnot a command\nEOF\n");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["cat"]);
}

#[test]
fn sh_c_and_onbuild() {
    let c = commands("FROM a\nONBUILD RUN pip install -r requirements.txt\n");
    assert_eq!(c[0].0, "pip");
    let c = commands("FROM a\nRUN /bin/sh -c 'echo hi'\n");
    assert_eq!(c[0].0, "sh");
    assert_eq!(c[0].1, ["-c", "echo hi"]);
}

#[test]
fn unquoting() {
    assert_eq!(unquote(r#"'a b'"c\"d"e\ f"#), "a bc\"de f");
    assert_eq!(unquote(r#""$HOME/x""#), "$HOME/x");
}

#[test]
fn no_sh_script_under_powershell_or_windows_bases() {
    let df = parse(
        "FROM alpine AS a\nRUN echo sh\nSHELL [\"pwsh\", \"-Command\"]\nRUN Write-Host hi\nFROM a\nRUN Get-Item x\n\
         FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nSHELL [\"cmd\", \"/S\", \"/C\"]\n\
         FROM alpine\nRUN echo back\n",
    );
    let scripts: Vec<bool> = df
        .instructions
        .iter()
        .filter(|i| i.kind == crate::model::InstructionKind::Run)
        .map(|i| i.script().is_some())
        .collect();
    assert_eq!(scripts, [true, false, false, false, true]);
}

#[test]
fn an_operator_after_a_group_joins_the_group() {
    // The `;` that closes the group gives way to the pipe that joins it.
    let c = commands("FROM a\nRUN { echo a; echo b; } | tee log && (cd x && make) | sort\n");
    let names: Vec<_> = c.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["echo", "echo", "tee", "cd", "make", "sort"]);
    assert_eq!(c[0].2, Some(Operator::Seq));
    assert_eq!(c[1].2, Some(Operator::Pipe));
    assert_eq!(c[2].2, Some(Operator::And));
    assert_eq!(c[3].2, Some(Operator::And));
    assert_eq!(c[4].2, Some(Operator::Pipe));
    // An operator after a command with a substitution joins that command, not the
    // commands inside its words.
    let c = commands("FROM a\nRUN echo $(date; id) && ls\n");
    let names: Vec<_> = c.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["echo", "date", "id", "ls"]);
    assert_eq!(c[0].2, Some(Operator::And));
    assert_eq!(c[1].2, Some(Operator::Seq));
    assert_eq!(c[3].2, None);
}

#[test]
fn commands_in_assignments_are_found() {
    let c = commands("FROM a\nRUN X=$(curl -s u | sha256sum) && export Y=\"$(uname -m)\"\n");
    let names: Vec<_> = c.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["", "curl", "sha256sum", "export", "uname"]);
    assert_eq!(c[1].2, Some(Operator::Pipe));
    assert_eq!(c[0].2, Some(Operator::And));
}

/// Program, arguments and redirection targets of each command, through tree-sitter (the
/// fast path declines scripts with a subshell).
fn redirections(script: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    super::parse_with_tree_sitter(script)
        .0
        .iter()
        .map(|c| {
            (
                c.program().unwrap_or("").to_owned(),
                c.arg_values().map(str::to_owned).collect(),
                c.redirects.iter().map(|w| w.value.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn redirection_targets_belong_to_their_command() {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
    // After the command (tree-sitter-bash wraps `a && b > f` whole; the shell redirects `b`),
    // before it, duplicated descriptors (not files), and words after a target (arguments).
    let got = redirections(
        "(true) && echo a > /etc/a && b | c x >> \"/var/log/$N\" 2>&1; > /tmp/d d; e > f g",
    );
    assert_eq!(
        got,
        [
            ("true".to_owned(), s(&[]), s(&[])),
            ("echo".to_owned(), s(&["a"]), s(&["/etc/a"])),
            ("b".to_owned(), s(&[]), s(&[])),
            ("c".to_owned(), s(&["x"]), s(&["/var/log/$N"])),
            ("d".to_owned(), s(&[]), s(&["/tmp/d"])),
            ("e".to_owned(), s(&["g"]), s(&["f"])),
        ]
    );
    // The fast path reads the same, where it reads the script at all.
    let plain = "echo a > /etc/a && b | c x >> \"/var/log/$N\" 2>&1";
    let fast = super::simple::parse(plain).expect("a plain list");
    assert_eq!(fast, super::parse_with_tree_sitter(plain).0);
    assert_eq!(fast[2].redirects[0].value, "/var/log/$N");
}
