//! Every query file in `queries/` compiles against the grammar the server links, and has
//! the captures the code uses. The editor queries (`highlights.scm`, `injections.scm`,
//! `locals.scm`, read by Neovim and Helix) use only their editors' standard capture names,
//! and capture what they claim to on a Dockerfile that has every construct.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::{Query, QueryCursor, StreamingIterator};

fn query(name: &str) -> Query {
    let (_, source) = dlint::syntax::tree::QUERIES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is not in QUERIES"));
    Query::new(&dlint::syntax::tree::language(), source).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_query_compiles_and_has_the_captures_the_code_uses() {
    let language = dlint::syntax::tree::language();
    let on_disk: BTreeSet<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
            .expect("queries/")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                std::path::Path::new(n)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("scm"))
            })
            .collect();
    let loaded: BTreeSet<String> = dlint::syntax::tree::QUERIES
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    assert_eq!(
        on_disk, loaded,
        "every .scm in queries/ is loaded by the server, and only those"
    );
    for (name, source) in dlint::syntax::tree::QUERIES {
        let query =
            tree_sitter::Query::new(&language, source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let captures: BTreeSet<&str> = query.capture_names().iter().copied().collect();
        match *name {
            "instructions.scm" => {
                assert_eq!(captures, BTreeSet::from(["instruction", "error"]), "{name}");
            }
            "folds.scm" => {
                assert_eq!(captures, BTreeSet::from(["fold", "comment"]), "{name}");
            }
            "highlights.scm" | "injections.scm" | "locals.scm" => {}
            other => panic!("{other}: no expectation for its captures"),
        }
    }
}

/// nvim-treesitter's standard highlight captures (its CONTRIBUTING.md), the subset a
/// Dockerfile can use. Helix shares these names or falls back to their first part.
const HIGHLIGHT_NAMES: &[&str] = &[
    "comment",
    "constant",
    "constant.builtin",
    "keyword",
    "keyword.directive",
    "label",
    "number",
    "operator",
    "property",
    "punctuation.bracket",
    "punctuation.delimiter",
    "punctuation.special",
    "spell",
    "string",
    "string.escape",
    "string.special",
    "string.special.path",
    "type",
    "variable",
    "variable.parameter",
];

#[test]
fn editor_queries_use_standard_capture_names() {
    let highlights = query("highlights.scm");
    for name in highlights.capture_names() {
        assert!(
            HIGHLIGHT_NAMES.contains(name),
            "highlights.scm: @{name} is not a standard capture name"
        );
    }

    // Injections: the content, helper captures (`@_name`, ignored by editors), and a
    // language set on every pattern.
    let injections = query("injections.scm");
    for name in injections.capture_names() {
        assert!(
            *name == "injection.content" || name.starts_with('_'),
            "injections.scm: @{name}"
        );
    }
    for pattern in 0..injections.pattern_count() {
        let language = injections
            .property_settings(pattern)
            .iter()
            .find(|p| &*p.key == "injection.language")
            .and_then(|p| p.value.as_deref());
        assert!(
            language.is_some(),
            "injections.scm: pattern {pattern} sets no injection.language"
        );
    }

    let locals = query("locals.scm");
    for name in locals.capture_names() {
        assert!(
            matches!(*name, "local.scope" | "local.reference")
                || name.starts_with("local.definition"),
            "locals.scm: @{name}"
        );
    }
}

/// One of everything the queries know about.
const SAMPLE: &str = r#"# syntax=docker/dockerfile:1
# Build the app. TODO: pin
ARG BASE=alpine:3.20
FROM ${BASE} AS build
RUN --mount=type=cache,target=/var/cache/apk apk add curl && \
    echo "done\n"
COPY --from=build --chown=app:app /src /dst
RUN <<EOF
set -eu
EOF
COPY <<EOF /etc/app.json
{"port": 8080}
EOF
ENV PATH=/opt/bin:$PATH
LABEL org.opencontainers.image.title="demo"
EXPOSE 8080/tcp
USER app:staff
WORKDIR /app
FROM build
CMD ["python", "-m", "app"]
HEALTHCHECK NONE
"#;

/// Every (capture name, captured text) of `query` over [`SAMPLE`], honouring its
/// predicates.
fn captures(query: &Query) -> BTreeSet<(String, String)> {
    let tree = dlint::syntax::tree::parse_tree(SAMPLE, None).expect("parse");
    assert!(
        !tree.root_node().has_error(),
        "{}",
        tree.root_node().to_sexp()
    );
    let mut cursor = QueryCursor::new();
    let mut out = BTreeSet::new();
    let mut it = cursor.captures(query, tree.root_node(), SAMPLE.as_bytes());
    while let Some((m, i)) = it.next() {
        let c = m.captures[*i];
        let name = query.capture_names()[c.index as usize].to_owned();
        out.insert((name, SAMPLE[c.node.byte_range()].to_owned()));
    }
    out
}

fn has(all: &BTreeSet<(String, String)>, name: &str, text: &str) -> bool {
    all.contains(&(name.to_owned(), text.to_owned()))
}

#[test]
fn highlights_capture_each_construct() {
    let all = captures(&query("highlights.scm"));
    for (name, text) in [
        ("keyword.directive", "# syntax=docker/dockerfile:1\n"),
        ("comment", "# Build the app. TODO: pin\n"),
        ("keyword", "FROM"),
        ("keyword", "AS"),
        ("keyword", "RUN"),
        ("keyword", "HEALTHCHECK"),
        ("constant.builtin", "NONE"),
        ("variable", "BASE"),
        ("operator", "="),
        ("string", "alpine:3.20"),
        ("punctuation.special", "$"),
        ("punctuation.special", "{"),
        ("label", "build"),
        ("type", "build"),
        (
            "variable.parameter",
            "--mount=type=cache,target=/var/cache/apk",
        ),
        ("variable.parameter", "--from=build"),
        ("variable.parameter", "--chown=app:app"),
        ("property", "type=cache"),
        ("property", "target=/var/cache/apk"),
        ("punctuation.delimiter", ","),
        ("string.special.path", "/src"),
        ("string.special.path", "/etc/app.json"),
        ("label", "<<EOF"),
        ("label", "EOF"),
        ("string", "{\"port\": 8080}\n"),
        ("variable", "PATH"),
        ("string", "/opt/bin:$PATH"),
        ("property", "org.opencontainers.image.title"),
        ("string", "\"demo\""),
        ("number", "8080/tcp"),
        ("string.special", "app"),
        ("string.special", "staff"),
        ("string", "\"python\""),
        ("punctuation.bracket", "["),
        ("punctuation.special", "\\\n"),
    ] {
        assert!(has(&all, name, text), "@{name} on {text:?}; got {all:#?}");
    }
    // The directive is not also a plain comment, and a heredoc marker is not a path.
    assert!(!has(&all, "comment", "# syntax=docker/dockerfile:1\n"));
    assert!(!has(&all, "string.special.path", "<<EOF"));
}

#[test]
fn injections_give_shell_and_json() {
    let query = query("injections.scm");
    let tree = dlint::syntax::tree::parse_tree(SAMPLE, None).expect("parse");
    let content = query
        .capture_index_for_name("injection.content")
        .expect("@injection.content");
    let mut cursor = QueryCursor::new();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut matches = cursor.matches(&query, tree.root_node(), SAMPLE.as_bytes());
    while let Some(m) = matches.next() {
        let language = query
            .property_settings(m.pattern_index)
            .iter()
            .find(|p| &*p.key == "injection.language")
            .and_then(|p| p.value.as_deref())
            .expect("language")
            .to_owned();
        for c in m.captures.iter().filter(|c| c.index == content) {
            found
                .entry(language.clone())
                .or_default()
                .insert(SAMPLE[c.node.byte_range()].to_owned());
        }
    }
    let bash = &found["bash"];
    assert!(
        bash.contains("apk add curl && \\\n    echo \"done\\n\""),
        "{bash:#?}"
    );
    assert!(bash.contains("set -eu\n"), "RUN heredoc body: {bash:#?}");
    let json = &found["json"];
    assert!(json.contains(r#"["python", "-m", "app"]"#), "{json:#?}");
    assert!(
        json.contains("{\"port\": 8080}\n"),
        "COPY heredoc to .json: {json:#?}"
    );
    assert!(found["comment"].contains("# Build the app. TODO: pin\n"));
    assert!(
        !bash.contains("<<EOF"),
        "a lone heredoc marker is not shell"
    );
    // Each injected shell body parses as bash without errors.
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .expect("bash");
    for body in bash {
        let tree = parser.parse(body, None).expect("bash parse");
        assert!(!tree.root_node().has_error(), "{body:?}");
    }
}

#[test]
fn locals_define_variables_and_stages() {
    let all = captures(&query("locals.scm"));
    for (name, text) in [
        ("local.scope", SAMPLE),
        ("local.definition.variable", "BASE"),
        ("local.definition.variable", "PATH"),
        ("local.reference", "BASE"),
        ("local.reference", "PATH"),
        ("local.definition.label", "build"),
        ("local.reference", "build"),
    ] {
        assert!(has(&all, name, text), "@{name} on {text:?}; got {all:#?}");
    }
}
