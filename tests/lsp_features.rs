//! End-to-end tests of the language features of `dlint lsp` (hover, inlay hints,
//! completion, symbols, folding, navigation, rename, links, formatting) and of how it
//! follows configuration (`.dlint.toml`, watched files, editor settings): the real binary,
//! offline, spoken to over stdin/stdout. Positions are UTF-16 unless UTF-8 is negotiated.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

#[path = "support/lsp.rs"]
mod support_lsp;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support_lsp::{Client, URI, pos, range, with_code};

// ---- helpers -------------------------------------------------------------------------

fn doc() -> Value {
    json!({"uri": URI})
}

/// The position of byte `offset` of `text`, in UTF-8 bytes or UTF-16 units.
fn position_of(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let in_line = &text[line_start..offset];
    let character = if utf8 {
        in_line.len()
    } else {
        in_line.encode_utf16().count()
    };
    pos(line as u32, character as u32)
}

/// The UTF-16 position `delta` bytes into the `n`th (0-based) occurrence of `needle`.
fn at(text: &str, needle: &str, n: usize, delta: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("no occurrence {n} of {needle:?}"))
        .0;
    position_of(text, offset + delta, false)
}

/// The UTF-16 range of the `n`th occurrence of `needle`.
fn range_of(text: &str, needle: &str, n: usize) -> Value {
    json!({"start": at(text, needle, n, 0), "end": at(text, needle, n, needle.len())})
}

/// The byte offset of a UTF-16 position.
fn offset_of(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `edits` (LSP `TextEdit`s with UTF-16 positions, not overlapping) applied to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset_of(text, &e["range"]["start"]),
                offset_of(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The `result` of a hover at `position` of [`URI`].
fn hover(client: &mut Client, position: &Value) -> Value {
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": doc(), "position": position}),
    );
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

/// The markdown of a hover that must exist.
fn hover_text(result: &Value) -> &str {
    assert_eq!(result["contents"]["kind"], "markdown", "{result}");
    result["contents"]["value"].as_str().unwrap()
}

/// The completion items at `position` of [`URI`].
fn completion(client: &mut Client, position: &Value) -> Vec<Value> {
    let response = client.request(
        "textDocument/completion",
        json!({"textDocument": doc(), "position": position}),
    );
    assert!(response.get("error").is_none(), "{response}");
    match &response["result"] {
        Value::Array(items) => items.clone(),
        Value::Object(list) => list["items"].as_array().unwrap().clone(),
        _ => Vec::new(),
    }
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

/// The inlay hints of [`URI`] in `range`.
fn inlay_hints(client: &mut Client, range: &Value) -> Vec<Value> {
    let response = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": doc(), "range": range}),
    );
    assert!(response.get("error").is_none(), "{response}");
    response["result"].as_array().unwrap().clone()
}

/// `(label, position)` of each hint.
fn hint_summary(hints: &[Value]) -> Vec<(String, Value)> {
    hints
        .iter()
        .map(|h| {
            (
                h["label"].as_str().unwrap().to_owned(),
                h["position"].clone(),
            )
        })
        .collect()
}

fn locations_ranges(result: &Value) -> Vec<Value> {
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["uri"], URI);
            l["range"].clone()
        })
        .collect()
}

fn is_diagnostics(message: &Value, uri: &str, version: i64) -> bool {
    message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["uri"] == uri
        && message["params"]["version"] == version
}

/// Every message up to and including the first that satisfies `last`, then whatever else
/// arrives within `linger`.
fn collect_until(client: &Client, last: impl Fn(&Value) -> bool, linger: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let message = client.wait_for(|_| true);
        let done = last(&message);
        out.push(message);
        if done {
            break;
        }
    }
    let deadline = Instant::now() + linger;
    while let Some(message) =
        client.try_wait_for(deadline.saturating_duration_since(Instant::now()), |_| true)
    {
        out.push(message);
    }
    out
}

fn show_messages(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .map(|m| m["params"]["message"].as_str().unwrap().to_owned())
        .collect()
}

fn diagnostics_in(messages: &[Value], uri: &str, version: i64) -> Vec<Value> {
    let published = messages
        .iter()
        .rev()
        .find(|m| is_diagnostics(m, uri, version))
        .expect("diagnostics were published");
    published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .clone()
}

fn file_uri(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

fn open_file(client: &mut Client, uri: &str, text: &str) {
    client.open_uri(uri, text);
}

fn change_whole(client: &mut Client, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}],
        }),
    );
}

// ---- 1. capabilities ---------------------------------------------------------------

#[test]
fn initialize_advertises_every_language_feature() {
    let mut client = Client::start();
    let result = client.initialize(None);
    let caps = &result["capabilities"];
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["foldingRangeProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["documentLinkProvider"]["resolveProvider"], false);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["documentRangeFormattingProvider"], true);
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 2);
    assert_eq!(caps["textDocumentSync"]["save"], true);
    assert_eq!(caps["positionEncoding"], "utf-16");
    let kinds = caps["codeActionProvider"]["codeActionKinds"]
        .as_array()
        .unwrap();
    for kind in ["quickfix", "source.fixAll", "source.fixAll.dlint"] {
        assert!(kinds.contains(&json!(kind)), "{kinds:?}");
    }
    let triggers: Vec<&str> = caps["completionProvider"]["triggerCharacters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // `--flag`, `--from=`, `$VAR`, `${VAR}`, `image:tag`, `FROM `, `--mount=a,b`.
    for t in ["-", "=", "$", "{", ":", " ", ","] {
        assert!(triggers.contains(&t), "{t:?} missing from {triggers:?}");
    }
    assert_eq!(result["serverInfo"]["name"], "dlint");
}

// ---- 2. hover ------------------------------------------------------------------------

const HOVER_DOC: &str = "\
# build the app
FROM python:3.12-slim AS build
ENV APP=/app
RUN apt-get update && \\
    apt-get install -y curl
RUN echo $APP ${APP}

FROM python:3.12-slim
COPY --from=build /app /app
";

#[test]
fn hover_on_a_keyword_shows_its_docs() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(HOVER_DOC);
    let result = hover(&mut client, &at(HOVER_DOC, "RUN apt", 0, 1));
    let text = hover_text(&result);
    assert!(text.starts_with("**RUN** executes a command"), "{text}");
    assert!(text.contains("**filesystem layer**"), "{text}");
    assert!(text.contains("```dockerfile"), "{text}");
    assert_eq!(result["range"], range(3, 0, 3, 3));
}

#[test]
fn hover_on_a_catalogued_base_image_shows_layers_and_variants() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(HOVER_DOC);
    let result = hover(&mut client, &at(HOVER_DOC, "python:3.12-slim", 0, 3));
    let text = hover_text(&result);
    assert_eq!(result["range"], range_of(HOVER_DOC, "python:3.12-slim", 0));
    assert!(
        text.contains("**docker.io/library/python:3.12-slim** · linux/amd64"),
        "{text}"
    );
    // Offline: the facts come from the built-in catalogue, and say how old they are.
    assert!(text.contains("_Source: catalogue, as of "), "{text}");
    assert!(text.contains("compressed download"), "{text}");
    // The layer table, with at least one layer row.
    assert!(text.contains("| # | compressed | created by |"), "{text}");
    assert!(text.contains("\n| 1 | "), "{text}");
    // The variants table, with the alpine variant and what it trades away.
    assert!(text.contains("**Variants**"), "{text}");
    assert!(
        text.contains("| variant | size (linux/amd64, compressed) |"),
        "{text}"
    );
    assert!(text.contains("`python:3.12-alpine`"), "{text}");
    assert!(text.contains("musl"), "{text}");
    // The current image is the bold row of the table.
    assert!(text.contains("| **python:3.12-slim** |"), "{text}");
}

#[test]
fn hover_on_a_variable_shows_its_value_and_where_it_is_defined() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(HOVER_DOC);
    for (needle, delta) in [("$APP", 2), ("${APP}", 3)] {
        let result = hover(&mut client, &at(HOVER_DOC, needle, 0, delta));
        let text = hover_text(&result);
        assert!(text.starts_with("**`$APP`**"), "{text}");
        assert!(text.contains("Value here: `/app`"), "{text}");
        assert!(
            text.contains("Defined by ENV on line 3: `ENV APP=/app`"),
            "{text}"
        );
        assert!(text.contains("In a RUN the shell expands it"), "{text}");
        assert_eq!(result["range"], range_of(HOVER_DOC, needle, 0), "{needle}");
    }
}

#[test]
fn hover_on_a_stage_name_shows_who_copies_from_it() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(HOVER_DOC);
    let used_by = "**Used by**:\n- line 9: `COPY --from=build /app /app` (stage `1`)\n";
    // In `COPY --from=build` and on the name after AS.
    for (needle, name_at) in [("--from=build", 7), ("AS build", 3)] {
        let result = hover(&mut client, &at(HOVER_DOC, needle, 0, name_at + 1));
        let text = hover_text(&result);
        assert!(
            text.starts_with("**Stage `build`** · stage 0, line 2"),
            "{text}"
        );
        assert!(text.contains("Based on `python:3.12-slim`."), "{text}");
        assert!(text.contains(used_by), "{text}");
        assert!(
            text.contains("only what is copied out of it; its own layers do not ship"),
            "{text}"
        );
        let start = at(HOVER_DOC, needle, 0, name_at);
        let end = at(HOVER_DOC, needle, 0, name_at + "build".len());
        assert_eq!(
            result["range"],
            json!({"start": start, "end": end}),
            "{needle}"
        );
    }
}

#[test]
fn hover_on_a_run_shows_its_size_and_cache_key() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(HOVER_DOC);
    // On `apt-get` of the continuation line: the whole instruction is described.
    let result = hover(&mut client, &at(HOVER_DOC, "apt-get install", 0, 2));
    let text = hover_text(&result);
    assert!(
        text.starts_with("**RUN** · filesystem layer · line 4 · stage `build`"),
        "{text}"
    );
    let size = text
        .lines()
        .find(|l| l.starts_with("**Size**: "))
        .unwrap_or_else(|| panic!("no size line in {text}"));
    assert!(size.ends_with("MB (estimated, uncompressed)"), "{size}");
    assert!(text.contains("basis: curl + "), "{text}");
    assert!(
        text.contains(
            "**Cache key** depends on:\n- the instruction text `RUN apt-get update && apt-get install -y curl`\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("- every earlier step of the stage (the layers below)"),
        "{text}"
    );
    assert!(text.contains("**A change here rebuilds**:"), "{text}");
    assert!(text.contains("- stage `1`: layer 1 (line 9)"), "{text}");
    // The range is the whole two-line instruction.
    let start = at(HOVER_DOC, "RUN apt", 0, 0);
    let end = at(HOVER_DOC, "install -y curl", 0, "install -y curl".len());
    assert_eq!(result["range"], json!({"start": start, "end": end}));
}

#[test]
fn hover_on_comments_blank_lines_and_past_the_end_is_null() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(HOVER_DOC);
    let blank = HOVER_DOC.split('\n').position(str::is_empty).unwrap() as u32;
    for position in [
        pos(0, 3),                     // the comment
        pos(blank, 0),                 // the blank line between stages
        pos(2, 40),                    // past the end of `ENV APP=/app`
        pos(40, 0),                    // past the end of the document
        at(HOVER_DOC, "/app\n", 1, 5), // one past the end of the last line
        pos(9, 0),                     // the empty line after the final newline
    ] {
        let result = hover(&mut client, &position);
        assert_eq!(result, Value::Null, "hover at {position}");
    }
    assert!(client.alive());
}

// ---- 3. inlay hints --------------------------------------------------------------------

const INLAY_DOC: &str = "\
FROM python:3.12-slim
ENV APP=/app
RUN apt-get update && \\
    apt-get install -y curl
";

/// The first `N.N MB`-style size in `text` after `after`.
fn size_after<'t>(text: &'t str, after: &str) -> &'t str {
    let rest = &text[text.find(after).unwrap() + after.len()..];
    let end = rest.find(" compressed").unwrap();
    &rest[..end]
}

#[test]
fn inlay_hints_show_layer_sizes_the_base_and_the_total() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(INLAY_DOC);
    let hints = inlay_hints(&mut client, &range(0, 0, 10, 0));
    let summary = hint_summary(&hints);
    assert_eq!(summary.len(), 3, "{summary:#?}");

    // FROM: the catalogue's compressed size, the same as the hover says.
    let image_hover = hover(&mut client, &pos(0, 8));
    let base_size = size_after(hover_text(&image_hover), "· linux/amd64\n\n");
    assert!(base_size.ends_with(" MB"), "{base_size}");
    assert_eq!(
        summary[0],
        (format!("base {base_size} compressed"), pos(0, 21))
    );
    assert!(
        hints[0]["tooltip"]["value"]
            .as_str()
            .unwrap()
            .contains("_Source: catalogue, as of "),
        "{:#?}",
        hints[0]
    );

    // No `no layer` hint on ENV by default.
    assert!(summary.iter().all(|(_, p)| p["line"] != 1), "{summary:#?}");

    // RUN: `+… MB` at the end of its last (continuation) line, not of its first.
    let (label, position) = &summary[1];
    assert_eq!(*position, pos(3, 27));
    assert!(label.starts_with('+') && label.ends_with(" MB"), "{label}");
    assert!(
        !label.contains('?'),
        "curl's size is known offline: {label}"
    );
    let tooltip = hints[1]["tooltip"]["value"].as_str().unwrap();
    assert!(tooltip.starts_with("**Filesystem layer**: "), "{tooltip}");
    assert!(tooltip.contains("Basis: curl + "), "{tooltip}");

    // The final image's total sits on the last instruction, after its own hint.
    let (label, position) = &summary[2];
    assert_eq!(*position, pos(3, 27));
    assert!(label.starts_with("≈ "), "{label}");
    assert!(
        label.contains(&format!(" total (base {base_size} compressed + ")),
        "{label}"
    );
    assert!(label.ends_with(" layers)"), "{label}");
    let tooltip = hints[2]["tooltip"]["value"].as_str().unwrap();
    assert!(tooltip.starts_with("**Final image**"), "{tooltip}");
    assert!(tooltip.contains("- 1 own layer: "), "{tooltip}");

    for hint in &hints {
        assert_eq!(hint["paddingLeft"], true);
    }

    // Only the hints whose position lies in the requested range.
    let first_line = inlay_hints(&mut client, &range(0, 0, 1, 0));
    assert_eq!(
        hint_summary(&first_line),
        vec![(format!("base {base_size} compressed"), pos(0, 21))]
    );
}

#[test]
fn no_layer_hints_are_turned_on_by_initialization_options() {
    let mut client = Client::start();
    client.initialize_with(json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {},
        "initializationOptions": {"dlint": {"editor": {"inlayHints": {"noLayer": true}}}},
    }));
    client.open(INLAY_DOC);
    client.diagnostics(1);
    let hints = inlay_hints(&mut client, &range(0, 0, 10, 0));
    let on_env: Vec<&Value> = hints
        .iter()
        .filter(|h| h["position"]["line"] == 1)
        .collect();
    assert_eq!(on_env.len(), 1, "{hints:#?}");
    assert_eq!(on_env[0]["label"], "no layer");
    assert_eq!(on_env[0]["position"], pos(1, 12));
    assert_eq!(
        on_env[0]["tooltip"]["value"],
        "No filesystem layer (image config only)."
    );
    // The other hints are still there.
    assert_eq!(hints.len(), 4, "{hints:#?}");

    // And off again through the editor settings.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"editor": {"inlayHints": {"noLayer": false}}}}),
    );
    client.diagnostics(1);
    let hints = inlay_hints(&mut client, &range(0, 0, 10, 0));
    assert!(hints.iter().all(|h| h["label"] != "no layer"), "{hints:#?}");
}

/// `[editor] inlay-hints` in `.dlint.toml` turns hints on and off, and a change of the
/// settings asks a client that supports it to refresh its inlay hints (the hints it shows
/// were computed with the old settings, and nothing else makes it ask again).
#[test]
fn inlay_hint_settings_from_the_file_and_a_refresh_when_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".dlint.toml");
    std::fs::write(
        &config,
        "[editor]\ninlay-hints = { no-layer = true, layers = false }\n",
    )
    .unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start();
    client.initialize_with(json!({
        "processId": null,
        "rootUri": file_uri(dir.path()),
        "capabilities": {"workspace": {"inlayHint": {"refreshSupport": true}}},
    }));
    open_file(&mut client, &uri, INLAY_DOC);
    client.diagnostics_of(&uri, 1);
    let hints = |client: &mut Client| {
        let response = client.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": &uri}, "range": range(0, 0, 10, 0)}),
        );
        hint_summary(response["result"].as_array().unwrap())
    };
    let labels: Vec<String> = hints(&mut client).into_iter().map(|h| h.0).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(labels[0].starts_with("base "), "{labels:?}");
    assert_eq!(labels[1], "no layer");
    assert!(labels[2].starts_with("≈ "), "the total stays: {labels:?}");

    let refreshes = |client: &Client| {
        client
            .server_requests
            .lock()
            .unwrap()
            .iter()
            .filter(|m| *m == "workspace/inlayHint/refresh")
            .count()
    };
    let before = refreshes(&client);
    std::fs::write(&config, "[editor]\ninlay-hints = { no-layer = false }\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    );
    client.diagnostics_of(&uri, 1);
    let labels: Vec<String> = hints(&mut client).into_iter().map(|h| h.0).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(labels[1].starts_with('+'), "layers are back: {labels:?}");
    let deadline = Instant::now() + Duration::from_secs(3);
    while refreshes(&client) == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        refreshes(&client) > before,
        "no workspace/inlayHint/refresh after the inlay hint settings changed; requests: {:?}",
        client.server_requests.lock().unwrap()
    );
}

// ---- 4. completion ---------------------------------------------------------------------

const COMPLETION_DOC: &str = "\
ARG BASE=3.20
FROM alpine:${BASE} AS build
ARG VER=1
ENV HOME2=/h
RUN echo ${

FROM alpine:3.20 AS other
RUN --
FROM python:3.12-slim
COPY --from=
FROM 
FROM python:
";

#[test]
fn completion_offers_instructions_at_the_start_of_a_line() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(COMPLETION_DOC);
    let items = completion(&mut client, &pos(5, 0));
    let names = labels(&items);
    assert_eq!(
        &names[..4],
        &["FROM", "RUN", "RUN --mount=type=cache", "COPY"]
    );
    for keyword in [
        "ARG",
        "ENV",
        "WORKDIR",
        "CMD",
        "ENTRYPOINT",
        "EXPOSE",
        "USER",
        "ADD",
    ] {
        assert!(names.contains(&keyword), "{keyword} missing: {names:?}");
    }
    let from = &items[0];
    assert_eq!(from["textEdit"]["newText"], "FROM ${1:image} AS ${2:name}");
    assert_eq!(from["textEdit"]["range"], range(5, 0, 5, 0));
    assert_eq!(from["insertTextFormat"], 2, "a snippet");
    // On a keyword being typed, the item replaces the whole keyword.
    let items = completion(&mut client, &pos(0, 1));
    assert_eq!(items[0]["textEdit"]["range"], range(0, 0, 0, 3));
}

#[test]
fn completion_offers_run_flags_after_dashes() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(COMPLETION_DOC);
    let items = completion(&mut client, &pos(7, 6));
    let names = labels(&items);
    for flag in [
        "--mount=type=cache",
        "--mount=type=bind",
        "--mount=type=secret",
        "--network",
        "--security",
    ] {
        assert!(names.contains(&flag), "{flag} missing: {names:?}");
    }
    assert!(!names.contains(&"--from"), "COPY's flag on RUN: {names:?}");
    for item in &items {
        // Each replaces the `--` typed so far.
        assert_eq!(item["textEdit"]["range"], range(7, 4, 7, 6), "{item}");
    }
    let cache = items
        .iter()
        .find(|i| i["label"] == "--mount=type=cache")
        .unwrap();
    assert_eq!(
        cache["textEdit"]["newText"],
        "--mount=type=cache,target=${1:/root/.cache}"
    );
}

#[test]
fn completion_offers_earlier_stages_after_copy_from() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(COMPLETION_DOC);
    let items = completion(&mut client, &pos(9, 12));
    let names = labels(&items);
    // The earlier stages first (in order), then images.
    assert_eq!(&names[..2], &["build", "other"], "{names:?}");
    assert!(names.contains(&"alpine"), "{names:?}");
    for item in &items {
        assert_eq!(item["textEdit"]["range"], range(9, 12, 9, 12), "{item}");
    }
}

#[test]
fn completion_offers_the_variables_in_scope_after_a_dollar_brace() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(COMPLETION_DOC);
    let items = completion(&mut client, &pos(4, 11));
    let mut names = labels(&items);
    names.sort_unstable();
    // The global ARG BASE is not in scope in the stage (it is not declared again there).
    assert_eq!(names, ["HOME2", "VER"]);
    for item in &items {
        assert_eq!(item["textEdit"]["range"], range(4, 11, 4, 11), "{item}");
    }
}

#[test]
fn completion_offers_catalogue_images_and_tags_on_from() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(COMPLETION_DOC);
    let items = completion(&mut client, &pos(10, 5));
    let names = labels(&items);
    for image in ["python", "alpine", "debian", "ubuntu", "node", "golang"] {
        assert!(names.contains(&image), "{image} missing: {names:?}");
    }
    // Earlier stages and scratch are bases too.
    for base in ["build", "other", "scratch"] {
        assert!(names.contains(&base), "{base} missing: {names:?}");
    }
    let python = items.iter().find(|i| i["label"] == "python").unwrap();
    assert_eq!(python["textEdit"]["range"], range(10, 5, 10, 5));

    let items = completion(&mut client, &pos(11, 12));
    let names = labels(&items);
    for tag in ["3.12-slim", "3.12-alpine", "3.12"] {
        assert!(names.contains(&tag), "{tag} missing: {names:?}");
    }
    assert!(!names.contains(&"python"), "{names:?}");
    let slim = items.iter().find(|i| i["label"] == "3.12-slim").unwrap();
    assert_eq!(slim["textEdit"]["range"], range(11, 12, 11, 12));
    assert_eq!(slim["textEdit"]["newText"], "3.12-slim");
    let detail = slim["detail"].as_str().unwrap();
    assert!(detail.ends_with(" MB compressed (linux/amd64)"), "{detail}");
}

// ---- 5. symbols, folding, navigation, rename, links -------------------------------------

const NAV_DOC: &str = "\
ARG BASE=3.20
FROM alpine:${BASE} AS build
ARG BASE
RUN echo $BASE
FROM build AS test
RUN --mount=type=bind,from=build,target=/x true
COPY --from=build /a /b
";

#[test]
fn document_symbols_are_stages_with_their_instructions() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(NAV_DOC);
    let response = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": doc()}),
    );
    let symbols = response["result"].as_array().unwrap();
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["BASE", "build", "test"]);
    let global = &symbols[0];
    assert_eq!(global["detail"], "3.20");
    assert_eq!(global["kind"], 13, "a variable");
    assert_eq!(global["selectionRange"], range(0, 4, 0, 8));

    let build = &symbols[1];
    assert_eq!(build["detail"], "alpine:${BASE}");
    assert_eq!(build["range"]["start"], pos(1, 0));
    assert_eq!(build["range"]["end"], pos(3, 14));
    assert_eq!(build["selectionRange"], range(1, 23, 1, 28));
    let children: Vec<&str> = build["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["ARG BASE", "RUN echo $BASE"]);
    let run = &build["children"][1];
    assert_eq!(run["range"], range(3, 0, 3, 14));
    assert_eq!(run["selectionRange"], range(3, 0, 3, 3));

    let test = &symbols[2];
    assert_eq!(test["detail"], "build");
    let children: Vec<&str> = test["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        children,
        [
            "RUN --mount=type=bind,from=build,target=/x true",
            "COPY --from=build /a /b"
        ]
    );
}

#[test]
fn folding_ranges_cover_continuations_heredocs_and_stages() {
    let text = "\
FROM alpine:3.20 AS build
RUN apk add --no-cache \\
    curl \\
    git
COPY <<EOF /etc/motd
hello
world
EOF

FROM build
RUN true
";
    let mut client = Client::start();
    client.initialize(None);
    client.open(text);
    let response = client.request("textDocument/foldingRange", json!({"textDocument": doc()}));
    let mut folds: Vec<(u64, u64)> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    folds.sort_unstable();
    // The first stage (to its last instruction), the RUN, the heredoc, the second stage.
    assert_eq!(folds, [(0, 7), (1, 3), (4, 7), (9, 10)]);
}

#[test]
fn definition_and_references_of_a_stage_name() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(NAV_DOC);
    let declaration = range(1, 23, 1, 28);
    let uses = [
        range(4, 5, 4, 10),  // FROM build
        range(5, 27, 5, 32), // --mount=…,from=build
        range(6, 12, 6, 17), // COPY --from=build
    ];
    for position in [pos(6, 14), pos(4, 5), pos(5, 32), pos(1, 25)] {
        let response = client.request(
            "textDocument/definition",
            json!({"textDocument": doc(), "position": position}),
        );
        assert_eq!(response["result"]["uri"], URI);
        assert_eq!(response["result"]["range"], declaration, "from {position}");

        let response = client.request(
            "textDocument/references",
            json!({
                "textDocument": doc(),
                "position": position,
                "context": {"includeDeclaration": true},
            }),
        );
        let mut expected = vec![declaration.clone()];
        expected.extend(uses.iter().cloned());
        assert_eq!(
            locations_ranges(&response["result"]),
            expected,
            "from {position}"
        );
    }
    let response = client.request(
        "textDocument/references",
        json!({
            "textDocument": doc(),
            "position": pos(6, 14),
            "context": {"includeDeclaration": false},
        }),
    );
    assert_eq!(locations_ranges(&response["result"]), uses.to_vec());
}

#[test]
fn definition_and_references_of_an_arg() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(NAV_DOC);
    let global = range(0, 4, 0, 8);
    // `${BASE}` in FROM sees the global ARG; `$BASE` in the stage goes to the bare
    // `ARG BASE` that imports it, which goes to the global.
    for (position, target) in [
        (pos(1, 16), global.clone()),
        (pos(3, 12), range(2, 4, 2, 8)),
        (pos(2, 5), global.clone()),
    ] {
        let response = client.request(
            "textDocument/definition",
            json!({"textDocument": doc(), "position": position}),
        );
        assert_eq!(response["result"]["uri"], URI);
        assert_eq!(response["result"]["range"], target, "from {position}");
    }
    let response = client.request(
        "textDocument/references",
        json!({
            "textDocument": doc(),
            "position": pos(1, 16),
            "context": {"includeDeclaration": true},
        }),
    );
    let refs = locations_ranges(&response["result"]);
    let texts: Vec<&str> = refs
        .iter()
        .map(|r| {
            let start = offset_of(NAV_DOC, &r["start"]);
            let end = offset_of(NAV_DOC, &r["end"]);
            &NAV_DOC[start..end]
        })
        .collect();
    assert!(texts.iter().all(|t| *t == "BASE"), "{texts:?} {refs:#?}");
    assert_eq!(
        refs,
        [
            global.clone(),
            range(1, 14, 1, 18),
            range(2, 4, 2, 8),
            range(3, 10, 3, 14),
        ]
    );
    // `BASE` inside `alpine:` is not a reference to anything.
    let response = client.request(
        "textDocument/definition",
        json!({"textDocument": doc(), "position": pos(1, 8)}),
    );
    assert_eq!(response["result"], Value::Null);
}

#[test]
fn rename_a_stage_everywhere_and_reject_bad_names() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(NAV_DOC);
    let response = client.request(
        "textDocument/prepareRename",
        json!({"textDocument": doc(), "position": pos(6, 14)}),
    );
    assert_eq!(response["result"], range(6, 12, 6, 17));
    // Not on a name: nothing to rename.
    let response = client.request(
        "textDocument/prepareRename",
        json!({"textDocument": doc(), "position": pos(6, 1)}),
    );
    assert_eq!(response["result"], Value::Null, "{response}");

    let response = client.request(
        "textDocument/rename",
        json!({"textDocument": doc(), "position": pos(6, 14), "newName": "builder"}),
    );
    let edits = response["result"]["changes"][URI].as_array().unwrap();
    assert_eq!(edits.len(), 4, "{edits:#?}");
    assert_eq!(
        apply_edits(NAV_DOC, edits),
        "\
ARG BASE=3.20
FROM alpine:${BASE} AS builder
ARG BASE
RUN echo $BASE
FROM builder AS test
RUN --mount=type=bind,from=builder,target=/x true
COPY --from=builder /a /b
"
    );

    for (bad, why) in [
        ("9lives", "is not a valid stage name"),
        ("has space", "is not a valid stage name"),
        ("TEST", "a stage named `TEST` already exists"),
    ] {
        let response = client.request(
            "textDocument/rename",
            json!({"textDocument": doc(), "position": pos(6, 14), "newName": bad}),
        );
        assert_eq!(response["error"]["code"], -32602, "{response}");
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{bad}: {message}");
        assert!(response.get("result").is_none(), "{response}");
    }
    // The server goes on.
    assert!(client.alive());
    let result = hover(&mut client, &pos(6, 1));
    assert!(hover_text(&result).starts_with("**COPY**"));
}

#[test]
fn document_links_point_at_registry_pages() {
    let text = "\
FROM python:3.12-slim AS build
FROM build
FROM ghcr.io/astral-sh/uv:0.5 AS uv
";
    let mut client = Client::start();
    client.initialize(None);
    client.open(text);
    let response = client.request("textDocument/documentLink", json!({"textDocument": doc()}));
    let links = response["result"].as_array().unwrap();
    let summary: Vec<(Value, &str)> = links
        .iter()
        .map(|l| (l["range"].clone(), l["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            (range(0, 5, 0, 21), "https://hub.docker.com/_/python"),
            (range(2, 5, 2, 29), "https://ghcr.io/astral-sh/uv"),
        ]
    );
    assert_eq!(links[0]["tooltip"], "Open python on Docker Hub");
}

// ---- 6. formatting ------------------------------------------------------------------------

/// Lower-case keywords, extra spaces after a keyword, a continuation line indented by 9
/// with trailing spaces, an indented instruction, and a heredoc whose body has leading
/// and trailing whitespace of its own.
const UNFORMATTED: &str = "from alpine:3.20\nrun   apk add --no-cache curl \\\n         git  \nrun <<EOF\n  keep   me  \n\tand me\nEOF\n  copy a /b\n";

const FORMATTED: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl \\\n    git\nRUN <<EOF\n  keep   me  \n\tand me\nEOF\nCOPY a /b\n";

fn formatting(client: &mut Client, uri: &str) -> Vec<Value> {
    let response = client.request(
        "textDocument/formatting",
        json!({
            "textDocument": {"uri": uri},
            "options": {"tabSize": 4, "insertSpaces": true},
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
    response["result"].as_array().unwrap().clone()
}

#[test]
fn formatting_uppercases_keywords_and_reindents_continuations() {
    let mut client = Client::start();
    client.initialize(None);
    client.open(UNFORMATTED);
    let edits = formatting(&mut client, URI);
    let formatted = apply_edits(UNFORMATTED, &edits);
    assert_eq!(formatted, FORMATTED);
    // The heredoc body and terminator are byte-identical, and no edit touches them.
    let body = "  keep   me  \n\tand me\nEOF\n";
    assert!(formatted.contains(body));
    for edit in &edits {
        for end in ["start", "end"] {
            let line = edit["range"][end]["line"].as_u64().unwrap();
            assert!(
                !(4..=6).contains(&line),
                "an edit inside the heredoc: {edit}"
            );
        }
    }

    // Formatting is idempotent.
    client.open_uri("untitled:Formatted", FORMATTED);
    assert_eq!(
        formatting(&mut client, "untitled:Formatted"),
        Vec::<Value>::new()
    );

    // Range formatting changes only the lines asked for.
    let response = client.request(
        "textDocument/rangeFormatting",
        json!({
            "textDocument": doc(),
            "range": range(7, 0, 7, 11),
            "options": {"tabSize": 4, "insertSpaces": true},
        }),
    );
    let edits = response["result"].as_array().unwrap();
    assert_eq!(
        apply_edits(UNFORMATTED, edits),
        UNFORMATTED.replace("  copy a /b", "COPY a /b")
    );
}

// ---- 7-9. configuration -------------------------------------------------------------------

const APK: &str = "FROM alpine:3.20\nRUN apk add curl\n";

#[test]
fn configuration_file_watched_files_and_editor_settings() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".dlint.toml");
    std::fs::write(&config, "[rules]\nignore = [\"SZ003\"]\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));

    let mut client = Client::start();
    client.initialize(None);
    open_file(&mut client, &uri, APK);
    let diagnostics = client.diagnostics_of(&uri, 1);
    assert!(
        with_code(&diagnostics, "SZ003").is_none(),
        "{diagnostics:#?}"
    );

    // The server asked to be told about configuration files.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !client
        .server_requests
        .lock()
        .unwrap()
        .iter()
        .any(|m| m == "client/registerCapability")
    {
        assert!(Instant::now() < deadline, "no watcher registration");
        std::thread::sleep(Duration::from_millis(20));
    }

    // The file changes on disk: the watcher's notification re-publishes (same version).
    std::fs::write(&config, "[rules]\nignore = []\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    );
    let diagnostics = client.diagnostics_of(&uri, 1);
    let sz003 = with_code(&diagnostics, "SZ003").expect("SZ003 once no longer ignored");
    assert_eq!(sz003["range"]["start"]["line"], 1);

    // Editor settings, wrapped in `dlint`, go on top of the file.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dlint": {"rules": {"ignore": ["SZ003"]}}}}),
    );
    let diagnostics = client.diagnostics_of(&uri, 1);
    assert!(
        with_code(&diagnostics, "SZ003").is_none(),
        "{diagnostics:#?}"
    );
}

#[test]
fn a_bad_configuration_is_reported_once_and_defaults_apply() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".dlint.toml");
    std::fs::write(&config, "[rules]\nignore = []\nselct = [\"SZ\"]\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));

    let mut client = Client::start();
    client.initialize(None);
    open_file(&mut client, &uri, APK);
    let messages = collect_until(
        &client,
        |m| is_diagnostics(m, &uri, 1),
        Duration::from_millis(1500),
    );
    let shown = show_messages(&messages);
    assert_eq!(shown.len(), 1, "{shown:#?}");
    let expected = format!("{}:3:1: unknown key `selct` in [rules]", config.display());
    assert!(shown[0].contains(&expected), "{shown:#?}");
    let shown_message = messages
        .iter()
        .find(|m| m["method"] == "window/showMessage")
        .unwrap();
    assert_eq!(shown_message["params"]["type"], 1, "an error");
    // Diagnostics still come, with the default rules.
    let diagnostics = diagnostics_in(&messages, &uri, 1);
    assert!(
        with_code(&diagnostics, "SZ003").is_some(),
        "{diagnostics:#?}"
    );

    // An edit does not repeat the message.
    change_whole(&mut client, &uri, 2, "FROM alpine:3.20\nRUN apk add git\n");
    let messages = collect_until(
        &client,
        |m| is_diagnostics(m, &uri, 2),
        Duration::from_millis(1500),
    );
    assert_eq!(show_messages(&messages), Vec::<String>::new());
    assert!(with_code(&diagnostics_in(&messages, &uri, 2), "SZ003").is_some());
}

#[test]
fn invalid_utf8_configuration_and_dockerignore_do_not_stop_linting() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".dlint.toml");
    std::fs::write(&config, b"[rules]\nignore = [\"SZ\xff\xfe003\"]\n").unwrap();
    std::fs::write(
        dir.path().join(".dockerignore"),
        b"*.log\n\xc3\x28bad\n\xff\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.txt"), "hello\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\nRUN apk add curl\nCOPY . /app\n";

    let mut client = Client::start();
    client.initialize(None);
    open_file(&mut client, &uri, text);
    let messages = collect_until(
        &client,
        |m| is_diagnostics(m, &uri, 1),
        Duration::from_millis(1500),
    );
    let shown = show_messages(&messages);
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(
        shown[0].contains(&config.display().to_string()),
        "{shown:#?}"
    );
    assert!(shown[0].contains("not valid UTF-8"), "{shown:#?}");
    let diagnostics = diagnostics_in(&messages, &uri, 1);
    assert!(
        with_code(&diagnostics, "SZ003").is_some(),
        "{diagnostics:#?}"
    );

    // The COPY of the build context is still described, with the context read.
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": &uri}, "position": pos(2, 7)}),
    );
    let text = hover_text(&response["result"]);
    assert!(text.starts_with("**COPY** · filesystem layer"), "{text}");
    assert!(text.contains("from the build context"), "{text}");
    assert!(client.alive());
}

#[test]
fn severity_overrides_and_ignore_comments() {
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start();
    client.initialize(None);

    open_file(&mut client, &uri, APK);
    let default = client.diagnostics_of(&uri, 1);
    let default_severity = with_code(&default, "SZ003").unwrap()["severity"].clone();
    assert_ne!(default_severity, 1, "SZ003 is not an error by default");

    std::fs::write(
        dir.path().join(".dlint.toml"),
        "[rules.severity]\nSZ003 = \"error\"\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&dir.path().join(".dlint.toml")), "type": 1}]}),
    );
    let diagnostics = client.diagnostics_of(&uri, 1);
    assert_eq!(with_code(&diagnostics, "SZ003").unwrap()["severity"], 1);

    // An ignore comment on the line before suppresses it.
    change_whole(
        &mut client,
        &uri,
        2,
        "FROM alpine:3.20\n# dlint ignore=SZ003\nRUN apk add curl\n",
    );
    let diagnostics = client.diagnostics_of(&uri, 2);
    assert!(
        with_code(&diagnostics, "SZ003").is_none(),
        "{diagnostics:#?}"
    );
    // Only for the instruction it precedes.
    change_whole(
        &mut client,
        &uri,
        3,
        "FROM alpine:3.20\n# dlint ignore=SZ003\nRUN apk add curl\nRUN apk add git\n",
    );
    let diagnostics = client.diagnostics_of(&uri, 3);
    let sz003: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "SZ003")
        .collect();
    assert_eq!(sz003.len(), 1, "{diagnostics:#?}");
    assert_eq!(sz003[0]["range"]["start"]["line"], 3);
    assert_eq!(sz003[0]["severity"], 1);
}

// ---- 10. UTF-8 positions ----------------------------------------------------------------

/// `APP` is declared after `é😀` on its line and used after it on the next: byte and
/// UTF-16 columns differ (`é` is 2 bytes / 1 unit, `😀` 4 bytes / 2 units).
const NON_ASCII: &str = "\
FROM alpine:3.20 AS build
ENV GREETING=\"é😀\" APP=/app
RUN echo \"é😀\" $APP
FROM alpine:3.20
COPY --chown=é😀 --from=build /app /app
";

#[test]
fn utf8_positions_count_bytes_in_hover_and_definition() {
    for (encodings, utf8) in [(Some(&["utf-8", "utf-16"][..]), true), (None, false)] {
        let mut client = Client::start();
        let result = client.initialize(encodings);
        assert_eq!(
            result["capabilities"]["positionEncoding"],
            if utf8 { "utf-8" } else { "utf-16" }
        );
        client.open(NON_ASCII);
        client.diagnostics(1);
        let p = |needle: &str, n: usize, delta: usize| {
            let offset = NON_ASCII.match_indices(needle).nth(n).unwrap().0 + delta;
            position_of(NON_ASCII, offset, utf8)
        };

        // Hover on `$APP`: its range counts `é😀` as 6 bytes (or 3 UTF-16 units).
        let result = hover(&mut client, &p("$APP", 0, 2));
        assert!(
            hover_text(&result).contains("Value here: `/app`"),
            "{result}"
        );
        let expected_start = if utf8 { 18 } else { 15 };
        assert_eq!(
            result["range"],
            range(2, expected_start, 2, expected_start + 4),
            "utf8: {utf8}"
        );

        // Definition of `$APP`: the name in the ENV, after `é😀`.
        let response = client.request(
            "textDocument/definition",
            json!({"textDocument": doc(), "position": p("$APP", 0, 2)}),
        );
        let start = if utf8 { 22 } else { 19 };
        assert_eq!(
            response["result"]["range"],
            range(1, start, 1, start + 3),
            "utf8: {utf8}"
        );

        // A stage name after `é😀`, and its definition.
        let from = p("build /app", 0, 2);
        let expected_start = if utf8 { 27 } else { 24 };
        assert_eq!(from["character"], expected_start + 2);
        let result = hover(&mut client, &from);
        assert!(
            hover_text(&result).starts_with("**Stage `build`**"),
            "{result}"
        );
        assert_eq!(
            result["range"],
            range(4, expected_start, 4, expected_start + 5),
            "utf8: {utf8}"
        );
        let response = client.request(
            "textDocument/definition",
            json!({"textDocument": doc(), "position": from}),
        );
        assert_eq!(response["result"]["range"], range(0, 20, 0, 25));
    }
}
