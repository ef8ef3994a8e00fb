//! The language server's second pass over the network, against a real registry process
//! (Debian's `docker-registry`) on 127.0.0.1: features answer at once from what is known
//! locally, then the server looks the base image up live (with `$/progress`), asks the
//! editor to refresh its inlay hints and re-publishes diagnostics, and hover shows the
//! live layers. No traffic leaves 127.0.0.0/8.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

#[allow(
    dead_code,
    reason = "this crate uses the registry and image helpers only"
)]
mod support;
#[path = "support/lsp.rs"]
mod support_lsp;

use serde_json::{Value, json};
use support::image::{self, DOCKER, PushAuth, Pusher, layer};
use support::registry::{Auth, TestRegistry};
use support_lsp::{Client, URI, pos};

fn hover_text(client: &mut Client, line: u32, character: u32) -> String {
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": pos(line, character)}),
    );
    response["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn base_image_facts_arrive_in_a_second_pass() {
    let reg = TestRegistry::start(&Auth::None);
    let big = vec![7u8; 300_000];
    let img = image::image(
        &DOCKER,
        ("linux", "amd64", None),
        vec![
            layer(&[("etc/os-release", b"ID=test\n")]),
            layer(&[("opt/blob.bin", &big)]),
        ],
        &[
            ("ADD rootfs.tar /", false),
            ("COPY blob.bin /opt/blob.bin", false),
            ("CMD [\"sh\"]", true),
        ],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut pusher = Pusher::new(&reg.url(), PushAuth::Anonymous);
        pusher.push_image("team/base", Some("1.0"), &img).await;
    });

    let home = tempfile::tempdir().unwrap();
    let docker_config = home.path().join("docker");
    std::fs::create_dir_all(&docker_config).unwrap();
    let mut client = Client::start_in(
        None,
        &[
            ("DLINT_OFFLINE", ""),
            ("DOCKER_CONFIG", docker_config.to_str().unwrap()),
        ],
    );
    client.initialize_with(json!({
        "processId": null,
        "capabilities": {
            "window": {"workDoneProgress": true},
            "workspace": {"inlayHint": {"refreshSupport": true}},
        },
    }));
    let reference = format!("127.0.0.1:{}/team/base:1.0", reg.port);
    let text = format!("FROM {reference}\nRUN echo hi\n");
    client.open(&text);
    client.diagnostics(1);

    // The live lookup reports progress, then asks for an inlay hint refresh and
    // publishes the diagnostics of the same version again.
    client.wait_for(|m| m["method"] == "window/workDoneProgress/create");
    client.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin");
    client.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    client.wait_for(|m| m["method"] == "workspace/inlayHint/refresh");
    client.diagnostics(1);

    let hover = hover_text(&mut client, 0, 8);
    assert!(hover.contains("_Source: live_"), "{hover}");
    assert!(hover.contains("`COPY blob.bin /opt/blob.bin`"), "{hover}");
    let total: u64 = img.layer_sizes().iter().sum();
    assert!(hover.contains(&format!("{total} B compressed")), "{hover}");
    // Nothing is guessed about an image dlint has no facts on.
    assert!(!hover.contains("glibc"), "{hover}");

    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": support_lsp::range(0, 0, 2, 0)}),
    );
    let labels: Vec<String> = hints["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| match &h["label"] {
            Value::String(s) => s.clone(),
            parts => parts
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["value"].as_str().unwrap().to_owned())
                .collect(),
        })
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with(&format!("base {total} B compressed"))),
        "{labels:?}"
    );
}
