//! exploration
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

#[path = "support/lsp.rs"]
mod support_lsp;

use serde_json::{Value, json};
use support_lsp::{Client, URI, pos, range};

fn req(c: &mut Client, m: &str, p: Value) -> Value {
    let r = c.request(m, p.clone());
    r
}

fn labels(r: &Value) -> Vec<String> {
    r["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| format!("{} | {}", i["label"].as_str().unwrap(), i["textEdit"]))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn explore() {
    let mut c = Client::start();
    c.initialize(None);
    let doc = "ARG BASE=3.20\nFROM alpine:${BASE} AS build\nARG VER=1\nENV HOME2=/h\nRUN echo ${\nRUN --\nCOPY --from=\n\nFROM \nFROM python:\nFROM build AS test\nRUN --mount=type=bind,from=build,target=/x true\nCOPY --from=build /a /b\n";
    c.open(doc);
    let td = json!({"uri": URI});
    for (l, ch) in [
        (7u32, 0u32),
        (4, 11),
        (5, 6),
        (6, 12),
        (8, 5),
        (9, 12),
        (0, 0),
    ] {
        let r = req(
            &mut c,
            "textDocument/completion",
            json!({"textDocument": td, "position": pos(l, ch)}),
        );
        println!("=== {l}:{ch}\n{:#?}", labels(&r));
    }
    let r = req(
        &mut c,
        "textDocument/completion",
        json!({"textDocument": td, "position": pos(9, 12)}),
    );
    println!("{}", serde_json::to_string_pretty(&r["result"][0]).unwrap());
    for p in [pos(12, 13), pos(1, 24), pos(11, 28), pos(10, 6), pos(1, 15)] {
        let r = req(
            &mut c,
            "textDocument/references",
            json!({"textDocument": td, "position": p, "context": {"includeDeclaration": true}}),
        );
        println!("refs {p}: {}", r["result"]);
        let r = req(
            &mut c,
            "textDocument/definition",
            json!({"textDocument": td, "position": p}),
        );
        println!("def {p}: {}", r["result"]);
        let r = req(
            &mut c,
            "textDocument/prepareRename",
            json!({"textDocument": td, "position": p}),
        );
        println!("prep {p}: {}", r);
    }
    let r = req(
        &mut c,
        "textDocument/rename",
        json!({"textDocument": td, "position": pos(12, 13), "newName": "builder"}),
    );
    println!("{}", r);
    let r = req(
        &mut c,
        "textDocument/rename",
        json!({"textDocument": td, "position": pos(12, 13), "newName": "test"}),
    );
    println!("{}", r);

    let mut c = Client::start();
    c.initialize(None);
    c.open("from alpine:3.20\nrun   apk add --no-cache curl \\\n         git  \nrun <<EOF\n  keep   me  \n\tand me\nEOF\n  copy a /b\n");
    let r = req(
        &mut c,
        "textDocument/formatting",
        json!({"textDocument": td, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
}
