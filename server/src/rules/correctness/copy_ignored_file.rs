//! CO021 `copy-ignored-file`: a `COPY`/`ADD` source that the build context's
//! `.dockerignore` excludes.

use crate::declare_rule;
use crate::layers::dockerignore::{DockerIgnore, clean, glob_match, has_wildcards};
use crate::layers::vars::expand;
use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for a `COPY` or `ADD` of a path that `.dockerignore` leaves out of the build context.

## What it does
Reads the ignore file BuildKit uses for the Dockerfile (`<Dockerfile>.dockerignore` next to
it, else `.dockerignore` in its directory, taken as the build context) with Docker's
semantics (`*` and `?` within a path segment, `**` across segments, `!` exceptions, the last
matching pattern wins, a pattern that matches a directory leaves out everything in it), and
flags a source of `COPY` or `ADD` (not `--from`, not a URL) that it excludes:

- a path the patterns exclude, unless a later `!` exception may bring back something inside
  it (`build` with `!build/keep`);
- a wildcard source whose directory part is excluded (`COPY dist/*.js` with `dist`
  ignored), or that is itself an excluded pattern (`COPY *.log` with `*.log` ignored) with
  no exception after it.

Sources with variables are left alone, and so are other wildcards: whether what they match
is excluded would depend on the files, so dlint says nothing rather than guess. The rule is
silent when the build context is unknown (standard input, an unsaved editor buffer).

## Why is this bad?
An excluded path is not sent to the builder: `COPY` cannot find it and the build stops with
`"/path": not found` (a wildcard that matches nothing stops it too). The two files disagree
about what the image needs, and the usual fix in a hurry, deleting the pattern, can send
secrets or `node_modules` into the context again.

## Example
With this `.dockerignore`:

```dockerignore
*.md
build
```

```dockerfile
FROM nginx:1.27
COPY build/site/ /usr/share/nginx/html/
COPY CHANGELOG.md /usr/share/nginx/html/
```

Use instead:
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

Or keep the files in the context with exceptions at the end of `.dockerignore`:

```text
!build/site
!CHANGELOG.md
```

## References
- [Docker build checks: CopyIgnoredFile](https://docs.docker.com/reference/build-checks/copy-ignored-file/)
- [Docker: `.dockerignore` files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
"#;

declare_rule! {
    /// A `COPY`/`ADD` source that `.dockerignore` excludes.
    pub struct CopyIgnoredFile;
    code: "CO021",
    name: "copy-ignored-file",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("buildkit: CopyIgnoredFile"),
    docs: DOCS,
}

/// One pattern of the ignore file, with a matcher of its own.
struct Single {
    text: String,
    exception: bool,
    matcher: DockerIgnore,
}

/// Each pattern of the ignore file matchable alone, or why not.
enum Singles {
    /// Not needed yet: built when a source is excluded.
    Unbuilt,
    Built(Vec<Single>),
    /// A pattern cannot be matched alone: stay silent.
    Unavailable,
}

/// The ignore file, with each pattern matchable alone.
struct Ignore<'a> {
    all: &'a DockerIgnore,
    singles: Singles,
}

impl Ignore<'_> {
    /// Each pattern alone; `None` when one cannot be matched alone.
    fn singles(&mut self) -> Option<&[Single]> {
        if matches!(self.singles, Singles::Unbuilt) {
            let built: Option<Vec<Single>> = self
                .all
                .patterns()
                .map(|(text, exception)| {
                    let matcher = DockerIgnore::parse(text);
                    (matcher.patterns().count() == 1).then(|| Single {
                        text: text.to_owned(),
                        exception,
                        matcher,
                    })
                })
                .collect();
            self.singles = built.map_or(Singles::Unavailable, Singles::Built);
        }
        match &self.singles {
            Singles::Built(singles) => Some(singles),
            _ => None,
        }
    }

    /// The pattern that leaves out `path` (relative, cleaned) and everything under it, when
    /// no later `!` exception may bring back anything inside it.
    fn excluded_for_good(&mut self, path: &str) -> Option<String> {
        if !self.all.excludes(path) {
            return None;
        }
        let singles = self.singles()?;
        // The last exclusion that matches the path or a directory above it decides; an
        // exception before it cannot bring anything back.
        let last = singles
            .iter()
            .rposition(|s| !s.exception && s.matcher.excludes(path))?;
        let reopened = singles[last + 1..]
            .iter()
            .any(|s| s.exception && may_match_below(&s.text, path));
        (!reopened).then(|| singles[last].text.clone())
    }

    /// The exclusion pattern spelled exactly `glob`, when no exception follows it: every
    /// path the glob matches, it excludes.
    fn same_pattern(&mut self, glob: &str) -> Option<String> {
        let singles = self.singles()?;
        let last = singles
            .iter()
            .rposition(|s| !s.exception && s.text == glob)?;
        let reopened = singles[last + 1..].iter().any(|s| s.exception);
        (!reopened).then(|| glob.to_owned())
    }
}

/// Whether pattern `pattern` may match something strictly inside directory `dir` (both
/// cleaned, `/`-separated): its segments match those of `dir` and it has more, or it has a
/// `**` that may stand for them.
fn may_match_below(pattern: &str, dir: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    for (i, seg) in dir.split('/').enumerate() {
        let Some(p) = pattern.get(i) else {
            return false;
        };
        if p.contains("**") {
            return true;
        }
        let same = if has_wildcards(p) || p.contains('\\') {
            glob_match(p, seg)
        } else {
            *p == seg
        };
        if !same {
            return false;
        }
    }
    pattern.len() > dir.split('/').count()
}

/// A source as the builder reads it (quotes and escapes removed), `None` when it holds a
/// variable or is not a path of the build context.
fn context_path(ins: &Instruction, word: &str, escape: char) -> Option<String> {
    if word.contains('$') {
        return None;
    }
    let value = match &ins.args {
        Arguments::Shell(_) => expand(word, escape, &|_| None).value,
        _ => word.to_owned(),
    };
    // URLs and Git repositories (`ADD git@host:repo.git`) are not read from the context.
    if value.contains("://") || value.starts_with("git@") {
        return None;
    }
    let path = clean(&value);
    (path != "." && !path.is_empty() && !path.starts_with("..")).then_some(path)
}

impl Rule for CopyIgnoredFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let Some(all) = ctx.facts.dockerignore.clone() else {
            return;
        };
        if all.is_empty() {
            return;
        }
        let mut ignore = Ignore {
            all: &all,
            singles: Singles::Unbuilt,
        };
        // Only the file's own instructions: an `ONBUILD` trigger copies from the context
        // of a later build.
        for ins in &ctx.file.instructions {
            if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add)
                || ins.flag("from").is_some()
            {
                continue;
            }
            let words = ins.words();
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            for word in sources {
                if word.value.starts_with("<<") && !ins.heredocs.is_empty() {
                    continue;
                }
                let Some(path) = context_path(ins, &word.value, ctx.file.escape) else {
                    continue;
                };
                let segments: Vec<&str> = path.split('/').collect();
                let literal = segments
                    .iter()
                    .position(|s| has_wildcards(s))
                    .unwrap_or(segments.len());
                let found = if literal == segments.len() {
                    ignore
                        .excluded_for_good(&path)
                        .map(|pattern| (pattern, None))
                } else if literal > 0 {
                    let dir = segments[..literal].join("/");
                    ignore
                        .excluded_for_good(&dir)
                        .map(|pattern| (pattern, Some(dir)))
                } else {
                    ignore
                        .same_pattern(&path)
                        .map(|pattern| (pattern, Some(String::new())))
                };
                let Some((pattern, glob_dir)) = found else {
                    continue;
                };
                let keyword = ins.kind.as_str();
                let message = match glob_dir {
                    None => format!(
                        "`{keyword} {path}`: `.dockerignore` leaves `{path}` out of the build \
                         context (pattern `{pattern}`), so the build cannot find it"
                    ),
                    Some(dir) if !dir.is_empty() => format!(
                        "`{keyword} {path}`: `.dockerignore` leaves `{dir}` out of the build \
                         context (pattern `{pattern}`), so nothing can match"
                    ),
                    Some(_) => format!(
                        "`{keyword} {path}`: `.dockerignore` leaves every `{path}` out of the \
                         build context (pattern `{pattern}`), so nothing can match"
                    ),
                };
                ctx.report(&Self::META, word.range, message)
                    .with_help(format!(
                        "Stop copying it, or keep it in the context: remove the pattern or add \
                     `!{path}` at the end of `.dockerignore`"
                    ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::FileFacts;
    use crate::rules::test_support::findings_with_facts;

    const CODE: &str = "CO021";

    fn flagged(ignore: &str, text: &str) -> Vec<(u32, String)> {
        findings_with_facts(CODE, text, &FileFacts::with_dockerignore(ignore))
            .into_iter()
            .map(|(line, text, _)| (line, text))
            .collect()
    }

    #[test]
    fn excluded_sources_are_flagged() {
        let ignore = "*/tmp/*\n**/*.pyc\nsecrets\n.git\nbuild/**\n*.md\n!README.md\n";
        let text = "FROM a\nCOPY ./x/tmp/hello.txt /h\nCOPY secrets/key.pem app.py /app/\n\
                    ADD .git /src/.git\nCOPY [\"build/out\", \"/out\"]\nCOPY a/b/c.pyc /\n\
                    COPY CHANGES.md README.md docs/x.md /docs/\nCOPY \"secrets\" /s\n";
        assert_eq!(
            flagged(ignore, text),
            [
                (2, "./x/tmp/hello.txt".to_owned()),
                (3, "secrets/key.pem".to_owned()),
                (4, ".git".to_owned()),
                (5, "\"build/out\"".to_owned()),
                (6, "a/b/c.pyc".to_owned()),
                (7, "CHANGES.md".to_owned()),
                (8, "\"secrets\"".to_owned()),
            ]
        );
        let f = findings_with_facts(
            CODE,
            "FROM a\nCOPY secrets/key.pem /k\n",
            &FileFacts::with_dockerignore("secrets\n"),
        );
        assert_eq!(
            f[0].2,
            "`COPY secrets/key.pem`: `.dockerignore` leaves `secrets/key.pem` out of the build \
             context (pattern `secrets`), so the build cannot find it"
        );
    }

    #[test]
    fn globs_are_flagged_only_when_every_match_is_excluded() {
        let ignore = "dist\n*.log\n**/*.map\n";
        let text = "FROM a\nCOPY dist/*.js /app/\nCOPY *.log /logs/\nCOPY src/*.map /m/\n\
                    COPY *.txt /t/\nCOPY src/*/x.js /x/\n";
        assert_eq!(
            flagged(ignore, text),
            [(2, "dist/*.js".to_owned()), (3, "*.log".to_owned())]
        );
        // An exception after the pattern may bring some matches back.
        assert_eq!(
            flagged("*.log\n!keep.log\n", "FROM a\nCOPY *.log /l/\n"),
            []
        );
    }

    #[test]
    fn exceptions_inside_an_excluded_directory_keep_it_silent() {
        let text = "FROM a\nCOPY build /b\nCOPY docs /d\nCOPY vendor /v\nCOPY out/bin /o\n";
        assert_eq!(
            flagged(
                "*\n!out\nbuild\n!build/keep\ndocs\n!**/README.md\nvendor\n!vendor/*/LICENSE\n",
                text
            ),
            []
        );
        // An exception before the deciding pattern brings nothing back.
        assert_eq!(
            flagged("!build/keep\nbuild\n", "FROM a\nCOPY build /b\n"),
            [(2, "build".to_owned())]
        );
        assert_eq!(
            flagged(
                "*\n!src\nsrc/secret\n",
                "FROM a\nCOPY src/secret /s\nCOPY src /s\n"
            ),
            [(2, "src/secret".to_owned())]
        );
    }

    #[test]
    fn other_sources_and_unknown_contexts_are_clean() {
        let ignore = "*\n";
        let text = "FROM a\nCOPY --from=build /app /app\nADD https://example.com/x.tgz /x\n\
                    COPY $SRC /s\nCOPY . /app\nCOPY <<EOF /x\nhi\nEOF\nONBUILD COPY app /app\n\
                    ADD git@github.com:a/b.git /b\n";
        assert_eq!(flagged(ignore, text), []);
        let text = "FROM a\nCOPY secrets /s\n";
        assert_eq!(findings_with_facts(CODE, text, &FileFacts::default()), []);
        let no_ignore = FileFacts {
            has_dockerignore: Some(false),
            ..FileFacts::default()
        };
        assert_eq!(findings_with_facts(CODE, text, &no_ignore), []);
        assert_eq!(flagged("secrets/other\n", text), []);
    }
}
