//! The build context: the files a COPY/ADD can read, after `.dockerignore`, with sizes.

use std::path::{Path, PathBuf};

use super::dockerignore::{DockerIgnore, clean, glob_match, has_wildcards};

/// One regular file (or symlink, counted by its link size) of the context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextFile {
    /// Relative to the context root, `/`-separated.
    pub path: String,
    pub size: u64,
}

/// A build context directory, walked once.
#[derive(Debug, Clone)]
pub struct BuildContext {
    pub root: PathBuf,
    /// The ignore file used: `<Dockerfile>.dockerignore` or `.dockerignore`, if any.
    pub ignore_file: Option<PathBuf>,
    pub ignore: DockerIgnore,
    /// Files that are part of the context, sorted by path.
    pub files: Vec<ContextFile>,
    /// Files left out by `.dockerignore`.
    pub excluded: usize,
    /// Problems met while walking (unreadable directories), not fatal.
    pub warnings: Vec<String>,
}

/// Stop walking after this many files: a context this big is a finding in itself.
const MAX_FILES: usize = 200_000;

impl BuildContext {
    /// Walk `root`, applying the ignore file BuildKit would use for `dockerfile`.
    pub fn load(root: &Path, dockerfile: Option<&Path>) -> std::io::Result<Self> {
        let specific = dockerfile.map(|d| {
            let mut name = d.file_name().unwrap_or_default().to_os_string();
            name.push(".dockerignore");
            d.with_file_name(name)
        });
        let ignore_file = specific
            .filter(|p| p.is_file())
            .or_else(|| Some(root.join(".dockerignore")).filter(|p| p.is_file()));
        let ignore = match &ignore_file {
            Some(p) => DockerIgnore::parse(&String::from_utf8_lossy(&std::fs::read(p)?)),
            None => DockerIgnore::default(),
        };
        let mut ctx = Self {
            root: root.to_path_buf(),
            ignore_file,
            ignore,
            files: Vec::new(),
            excluded: 0,
            warnings: Vec::new(),
        };
        std::fs::metadata(root)?;
        ctx.walk(root, "");
        ctx.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(ctx)
    }

    fn walk(&mut self, dir: &Path, rel: &str) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.warnings.push(format!("{}: {e}", dir.display()));
                return;
            }
        };
        for entry in entries.flatten() {
            if self.files.len() >= MAX_FILES {
                self.warnings.push(format!(
                    "stopped after {MAX_FILES} files: the context is very large"
                ));
                return;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                // A directory excluded with no `!` pattern below it can be skipped whole.
                if self.ignore.excludes(&path) && !self.ignore.patterns().any(|(_, ex)| ex) {
                    self.excluded += 1;
                    continue;
                }
                self.walk(&entry.path(), &path);
            } else if self.ignore.excludes(&path) {
                self.excluded += 1;
            } else {
                let size = entry.metadata().map_or(0, |m| m.len());
                self.files.push(ContextFile { path, size });
            }
        }
    }

    /// Files a COPY/ADD source selects: a file, a directory (recursively), `.`, or a
    /// wildcard pattern; `None` when the source names nothing in the context.
    pub fn select(&self, source: &str) -> Vec<&ContextFile> {
        let src = clean(source.trim_start_matches('/'));
        if src == "." {
            return self.files.iter().collect();
        }
        if has_wildcards(&src) {
            let depth = src.matches('/').count();
            return self
                .files
                .iter()
                .filter(|f| {
                    // A pattern may match a file or a directory whose files are copied.
                    let parts: Vec<&str> = f.path.split('/').collect();
                    parts.len() > depth && glob_match(&src, &parts[..=depth].join("/"))
                })
                .collect();
        }
        // The files are sorted by path: the file itself, then those under it as a
        // directory, each found by a binary search.
        let dir_prefix = format!("{src}/");
        let at = |key: &str| self.files.partition_point(|f| f.path.as_str() < key);
        let exact = self.files.get(at(&src)).filter(|f| f.path == src);
        let under = self.files[at(&dir_prefix)..]
            .iter()
            .take_while(|f| f.path.starts_with(&dir_prefix));
        exact.into_iter().chain(under).collect()
    }

    /// Total bytes of the context.
    pub fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_applies_ignore_and_selects() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/pkg")).expect("mkdir");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        std::fs::write(root.join("requirements.txt"), "flask\n").expect("write");
        std::fs::write(root.join("requirements-dev.txt"), "pytest\n").expect("write");
        std::fs::write(root.join("src/app.py"), "print(1)\n").expect("write");
        std::fs::write(root.join("src/pkg/m.pyc"), "xx").expect("write");
        std::fs::write(root.join(".git/HEAD"), "ref").expect("write");
        std::fs::write(root.join(".dockerignore"), ".git\n**/*.pyc\n").expect("write");
        let ctx = BuildContext::load(root, Some(&root.join("Dockerfile"))).expect("load");
        let paths: Vec<&str> = ctx.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                ".dockerignore",
                "requirements-dev.txt",
                "requirements.txt",
                "src/app.py"
            ]
        );
        assert_eq!(ctx.select("requirements*.txt").len(), 2);
        assert_eq!(ctx.select("./src/").len(), 1);
        assert_eq!(ctx.select(".").len(), 4);
        assert_eq!(ctx.select("missing").len(), 0);
        assert_eq!(ctx.select("src/app.py")[0].size, 9);
    }

    #[test]
    fn dockerfile_specific_ignore_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join(".dockerignore"), "a\n").expect("write");
        std::fs::write(root.join("Dockerfile.dockerignore"), "b\n").expect("write");
        std::fs::write(root.join("a"), "1").expect("write");
        std::fs::write(root.join("b"), "2").expect("write");
        let ctx = BuildContext::load(root, Some(&root.join("Dockerfile"))).expect("load");
        assert!(ctx.files.iter().any(|f| f.path == "a"));
        assert!(!ctx.files.iter().any(|f| f.path == "b"));
    }
}
