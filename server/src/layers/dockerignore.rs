//! `.dockerignore` with Docker's pattern semantics (moby/patternmatcher): patterns are
//! cleaned and a leading `/` dropped; `*` and `?` stay within a path segment; `**`
//! matches any number of segments (zero included); `!pattern` re-includes; the last
//! matching pattern wins; a pattern that matches a directory excludes everything in it.

use regex::Regex;

#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    exclusion: bool,
    re: Regex,
}

/// A parsed `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
    /// Lines that could not be read, with their 1-based line number.
    pub errors: Vec<(usize, String)>,
}

impl DockerIgnore {
    /// Parse the text of a `.dockerignore` file.
    pub fn parse(text: &str) -> Self {
        let mut out = Self::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exclusion, pat) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let cleaned = clean(pat);
            if cleaned.is_empty() {
                continue;
            }
            match Regex::new(&to_regex(&cleaned)) {
                Ok(re) => out.patterns.push(Pattern {
                    text: cleaned,
                    exclusion,
                    re,
                }),
                Err(e) => out
                    .errors
                    .push((n + 1, format!("bad pattern `{pat}`: {e}"))),
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `path` (relative to the context, `/`-separated) is excluded from the context.
    pub fn excludes(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        let parent = path.rsplit_once('/').map(|(p, _)| p);
        let mut matched = false;
        for p in &self.patterns {
            if p.exclusion != matched {
                continue;
            }
            let mut hit = p.re.is_match(path);
            if !hit && let Some(parent) = parent {
                let mut end = 0;
                for seg in parent.split('/') {
                    end += seg.len();
                    if p.re.is_match(&parent[..end]) {
                        hit = true;
                        break;
                    }
                    end += 1;
                }
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }

    /// The patterns as cleaned, for display.
    pub fn patterns(&self) -> impl Iterator<Item = (&str, bool)> {
        self.patterns.iter().map(|p| (p.text.as_str(), p.exclusion))
    }
}

/// `filepath.Clean` for `/`-separated paths, then drop a leading `/`.
pub(crate) fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let rooted = path.starts_with('/');
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() && !rooted {
        ".".to_owned()
    } else {
        joined
    }
}

/// Translate a cleaned pattern to an anchored regex as patternmatcher does.
fn to_regex(pattern: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    i += 1;
                    if chars.get(i + 1) == Some(&'/') {
                        i += 1;
                    }
                    if i + 1 >= chars.len() {
                        re.push_str(".*");
                    } else {
                        re.push_str("(.*/)?");
                    }
                } else {
                    re.push_str("[^/]*");
                }
            }
            '?' => re.push_str("[^/]"),
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    re.push_str(&regex::escape(&n.to_string()));
                    i += 1;
                } else {
                    re.push_str(r"\\");
                }
            }
            '[' | ']' => re.push(c),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    re
}

/// Go's `filepath.Match` for one path (used for COPY source wildcards): `*`/`?` do not
/// cross `/`, `[...]` classes, `\` escapes.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    Regex::new(&to_regex_simple(pattern)).is_ok_and(|re| re.is_match(path))
}

fn to_regex_simple(pattern: &str) -> String {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '\\' => match chars.next() {
                Some(n) => re.push_str(&regex::escape(&n.to_string())),
                None => re.push_str(r"\\"),
            },
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'^') || chars.peek() == Some(&'!') {
                    chars.next();
                    re.push('^');
                }
            }
            ']' => re.push(']'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    re
}

/// Whether a COPY source contains wildcard characters.
pub fn has_wildcards(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_semantics() {
        let ig = DockerIgnore::parse(
            "# comment\n/node_modules\n**/*.pyc\n*.md\n!README.md\n.git\nbuild/**\n!build/keep\n",
        );
        assert!(ig.excludes("node_modules/x/y.js"));
        assert!(ig.excludes("a/b/c.pyc"));
        assert!(ig.excludes("x.pyc"));
        assert!(ig.excludes("CHANGES.md"));
        assert!(!ig.excludes("docs/CHANGES.md"), "`*` stays in one segment");
        assert!(!ig.excludes("README.md"));
        assert!(ig.excludes(".git/HEAD"));
        assert!(ig.excludes("build/out/a"));
        assert!(!ig.excludes("build/keep"));
        assert!(!ig.excludes("src/main.py"));
    }

    #[test]
    fn last_match_wins_and_reexclude() {
        let ig = DockerIgnore::parse("*\n!src\nsrc/**/*.tmp\n");
        assert!(ig.excludes("Dockerfile"));
        assert!(!ig.excludes("src/a.py"));
        assert!(ig.excludes("src/x/a.tmp"));
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("/a/./b/../c/"), "a/c");
        assert_eq!(clean("./"), ".");
        let ig = DockerIgnore::parse("./dist/\n");
        assert!(ig.excludes("dist/app.js"));
    }

    #[test]
    fn copy_globs() {
        assert!(glob_match("requirements*.txt", "requirements-dev.txt"));
        assert!(!glob_match("*.txt", "a/b.txt"));
        assert!(glob_match("src/[ab].py", "src/a.py"));
    }
}
