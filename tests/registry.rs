//! Registry client against a real registry process (Debian's `docker-registry`, CNCF
//! distribution 2.8) on 127.0.0.1 with images pushed by the tests, plus loopback fake servers
//! for what a healthy registry will not do on demand (wrong digests, 429, silence,
//! cross-host redirects, insufficient_scope). No traffic leaves 127.0.0.0/8.
//!
//! `docker-registry`, `htpasswd` (apache2-utils) and `openssl` must be installed:
//! scripts/test.sh installs them; a missing one fails the test with that advice.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use dlint::registry::cache::Cache;
use dlint::registry::config::RegistryConfig;
use dlint::registry::digest::Digest;
use dlint::registry::error::RegistryError;
use dlint::registry::fetch::{BlockingRegistry, Registry};
use dlint::registry::reference::Reference;
use dlint::registry::{ImageInfo, Source};
use serde_json::json;
use support::fake::{FakeServer, Reply, Request};
use support::image::{self, DOCKER, Entry, Format, Image, OCI, PushAuth, Pusher, layer};
use support::registry::{Auth, TestRegistry};
use support::token::{SERVICE, TokenIssuer};
use tempfile::TempDir;

const ACCEPT_ALL: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// Test settings: short timeouts and backoff, a private cache dir, and a Docker config path
/// inside the temp dir so the machine's own credentials are never read.
fn config(tmp: &Path, cache: bool) -> RegistryConfig {
    RegistryConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(10),
        backoff_base: Duration::from_millis(10),
        cache_dir: cache.then(|| tmp.join("cache")),
        docker_config: Some(tmp.join("docker-config.json")),
        ..RegistryConfig::default()
    }
}

fn write_docker_config(tmp: &Path, value: &serde_json::Value) {
    std::fs::write(tmp.join("docker-config.json"), value.to_string()).unwrap();
}

fn basic_auths(host: &str, user: &str, password: &str) -> serde_json::Value {
    json!({"auths": {host: {"auth": BASE64.encode(format!("{user}:{password}"))}}})
}

/// The two-platform demo of REGISTRY.md §10.1: two layers per platform and a `CMD` history
/// entry with `empty_layer`; the OCI flavour adds a BuildKit attestation entry.
struct Demo {
    amd64: Image,
    arm64: Image,
    attestation: Option<Image>,
    index: Vec<u8>,
    index_digest: String,
    format: &'static Format,
}

const HISTORY: &[(&str, bool)] = &[
    ("COPY hello.txt /hello.txt", false),
    ("COPY etc/demo /etc/demo", false),
    ("CMD [\"/hello.txt\"]", true),
];

fn platform_image(format: &Format, arch: &str, variant: Option<&str>) -> Image {
    let hello = format!("hello from {arch}\n");
    let conf = format!("arch={arch}\n").repeat(20);
    image::image(
        format,
        ("linux", arch, variant),
        vec![
            layer(&[("hello.txt", hello.as_bytes())]),
            layer(&[("etc/demo/app.conf", conf.as_bytes())]),
        ],
        HISTORY,
    )
}

fn demo(format: &'static Format) -> Demo {
    let amd64 = platform_image(format, "amd64", None);
    let arm64 = platform_image(format, "arm64", Some("v8"));
    let attestation = std::ptr::eq(format, &OCI).then(|| image::attestation(&amd64));
    let mut entries = vec![
        Entry {
            image: &amd64,
            platform: json!({"os": "linux", "architecture": "amd64"}),
            annotations: None,
        },
        Entry {
            image: &arm64,
            platform: json!({"os": "linux", "architecture": "arm64", "variant": "v8"}),
            annotations: None,
        },
    ];
    if let Some(att) = &attestation {
        // BuildKit puts attestations first in some indexes: selection must skip it.
        entries.insert(
            0,
            Entry {
                image: att,
                platform: json!({"os": "unknown", "architecture": "unknown"}),
                annotations: Some(json!({
                    "vnd.docker.reference.type": "attestation-manifest",
                    "vnd.docker.reference.digest": amd64.digest,
                })),
            },
        );
    }
    let (index, index_digest) = image::index(format, &entries);
    Demo {
        amd64,
        arm64,
        attestation,
        index,
        index_digest,
        format,
    }
}

async fn push_demo(pusher: &mut Pusher, repo: &str, tag: &str, demo: &Demo) {
    pusher.push_image(repo, None, &demo.amd64).await;
    pusher.push_image(repo, None, &demo.arm64).await;
    if let Some(att) = &demo.attestation {
        pusher.push_image(repo, None, att).await;
    }
    pusher
        .manifest(repo, tag, demo.format.index, &demo.index)
        .await;
}

/// A registry without auth holding `test/demo:multi` (OCI index).
async fn registry_with_demo() -> (TestRegistry, Demo) {
    let reg = TestRegistry::start(&Auth::None);
    let demo = demo(&OCI);
    let mut pusher = Pusher::new(&reg.url(), PushAuth::Anonymous);
    push_demo(&mut pusher, "test/demo", "multi", &demo).await;
    (reg, demo)
}

fn without_source(info: &ImageInfo) -> ImageInfo {
    ImageInfo {
        source: Source::Live {
            fetched_at: String::new(),
        },
        ..info.clone()
    }
}

fn created_by(info: &ImageInfo) -> Vec<Option<&str>> {
    info.layers
        .iter()
        .map(|l| l.created_by.as_deref())
        .collect()
}

fn sizes(info: &ImageInfo) -> Vec<u64> {
    info.layers.iter().map(|l| l.compressed_bytes).collect()
}

#[tokio::test]
async fn oci_index_platform_selection_sizes_and_history() {
    let (reg, demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();
    let image = format!("{}/test/demo:multi", reg.host());

    let amd = r.lookup(&image, None).await.unwrap();
    assert_eq!(amd.reference, format!("{}/test/demo:multi", reg.host()));
    assert_eq!(amd.platform, "linux/amd64");
    assert_eq!(
        amd.index_digest.as_deref(),
        Some(demo.index_digest.as_str())
    );
    assert_eq!(
        amd.manifest_digest.as_deref(),
        Some(demo.amd64.digest.as_str())
    );
    assert_eq!(sizes(&amd), demo.amd64.layer_sizes());
    assert_eq!(
        amd.compressed_total(),
        demo.amd64.layer_sizes().iter().sum::<u64>()
    );
    assert_eq!(
        created_by(&amd),
        [
            Some("COPY hello.txt /hello.txt"),
            Some("COPY etc/demo /etc/demo")
        ]
    );
    assert_eq!(amd.history.len(), 3);
    assert!(amd.history[2].empty_layer);
    assert_eq!(amd.history[2].created_by, "CMD [\"/hello.txt\"]");
    assert_eq!(amd.created.as_deref(), Some("2026-11-23T10:00:00Z"));
    assert!(matches!(amd.source, Source::Live { .. }));
    // Index, platform manifest, config: nothing else.
    assert_eq!(r.stats().requests, 3);

    let arm = r.lookup(&image, Some("linux/arm64")).await.unwrap();
    assert_eq!(arm.platform, "linux/arm64/v8");
    assert_eq!(
        arm.manifest_digest.as_deref(),
        Some(demo.arm64.digest.as_str())
    );
    assert_eq!(sizes(&arm), demo.arm64.layer_sizes());
    // The index came from the cache (fresh tag): only manifest + config.
    assert_eq!(r.stats().requests, 5);

    let aarch64 = r.lookup(&image, Some("linux/aarch64/v8")).await.unwrap();
    assert_eq!(aarch64.manifest_digest, arm.manifest_digest);

    match r.lookup(&image, Some("linux/s390x")).await {
        Err(RegistryError::NoMatchingPlatform { available, .. }) => {
            assert_eq!(available, ["linux/amd64", "linux/arm64/v8"]);
        }
        other => panic!("expected NoMatchingPlatform, got {other:?}"),
    }
    // An explicit request for the attestation's platform finds no image either.
    assert!(matches!(
        r.lookup(&image, Some("unknown/unknown")).await,
        Err(RegistryError::NoMatchingPlatform { .. })
    ));
}

#[tokio::test]
async fn docker_schema2_list_and_single_manifest() {
    let reg = TestRegistry::start(&Auth::None);
    let demo = demo(&DOCKER);
    let mut pusher = Pusher::new(&reg.url(), PushAuth::Anonymous);
    push_demo(&mut pusher, "test/demo", "multi-docker", &demo).await;
    pusher
        .manifest(
            "test/demo",
            "arm64-only",
            DOCKER.manifest,
            &demo.arm64.manifest,
        )
        .await;
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();

    let list = r
        .lookup(
            &format!("{}/test/demo:multi-docker", reg.host()),
            Some("linux/arm64/v8"),
        )
        .await
        .unwrap();
    assert_eq!(
        list.manifest_digest.as_deref(),
        Some(demo.arm64.digest.as_str())
    );
    assert_eq!(
        list.index_digest.as_deref(),
        Some(demo.index_digest.as_str())
    );
    assert_eq!(sizes(&list), demo.arm64.layer_sizes());
    assert_eq!(created_by(&list)[0], Some("COPY hello.txt /hello.txt"));

    // A tag on a single manifest: one platform, read from the config, whatever was asked.
    let single = r
        .lookup(&format!("{}/test/demo:arm64-only", reg.host()), None)
        .await
        .unwrap();
    assert_eq!(single.platform, "linux/arm64/v8");
    assert_eq!(single.index_digest, None);
    assert_eq!(
        single.manifest_digest.as_deref(),
        Some(demo.arm64.digest.as_str())
    );
    assert_eq!(sizes(&single), demo.arm64.layer_sizes());
}

#[tokio::test]
async fn registry_needs_the_full_accept_list() {
    // REGISTRY.md §3 (observed quirk): distribution 2.8 answers 404 for an OCI index when the
    // Accept header does not list it. The client always sends all four types.
    let (reg, _demo) = registry_with_demo().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}/v2/test/demo/manifests/multi", reg.url());
    let bare = http.get(&url).send().await.unwrap();
    assert_eq!(bare.status().as_u16(), 404);
    let only_manifest = http
        .get(&url)
        .header("accept", OCI.manifest)
        .send()
        .await
        .unwrap();
    assert_eq!(only_manifest.status().as_u16(), 404);
    let full = http
        .get(&url)
        .header("accept", ACCEPT_ALL)
        .send()
        .await
        .unwrap();
    assert_eq!(full.status().as_u16(), 200);
}

#[tokio::test]
async fn digest_pinned_references_and_missing_tags() {
    let (reg, demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();

    let by_index = r
        .lookup(
            &format!("{}/test/demo@{}", reg.host(), demo.index_digest),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        by_index.manifest_digest.as_deref(),
        Some(demo.amd64.digest.as_str())
    );
    assert_eq!(
        by_index.index_digest.as_deref(),
        Some(demo.index_digest.as_str())
    );

    // Tag + digest: the digest is fetched, the (nonexistent) tag is only displayed.
    let pinned = format!("{}/test/demo:no-such-tag@{}", reg.host(), demo.arm64.digest);
    let by_manifest = r.lookup(&pinned, None).await.unwrap();
    assert_eq!(by_manifest.reference, pinned);
    assert_eq!(by_manifest.platform, "linux/arm64/v8");
    assert_eq!(sizes(&by_manifest), demo.arm64.layer_sizes());

    let missing = r
        .lookup(&format!("{}/test/demo:no-such-tag", reg.host()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(missing, RegistryError::NotFound { .. }),
        "{missing:?}"
    );
    assert!(
        missing.to_string().contains("test/demo:no-such-tag"),
        "{missing}"
    );
    let unknown_digest = format!("{}/test/demo@{}", reg.host(), Digest::of(b"nothing"));
    assert!(matches!(
        r.lookup(&unknown_digest, None).await,
        Err(RegistryError::NotFound { .. })
    ));
}

#[tokio::test]
async fn layers_lose_created_by_when_history_does_not_line_up() {
    let reg = TestRegistry::start(&Auth::None);
    // Two layers, one non-empty history entry (a squashed or hand-made image).
    let img = image::image(
        &OCI,
        ("linux", "amd64", None),
        vec![layer(&[("a", b"a")]), layer(&[("b", b"b")])],
        &[("ADD rootfs.tar /", false), ("CMD [\"sh\"]", true)],
    );
    let mut pusher = Pusher::new(&reg.url(), PushAuth::Anonymous);
    pusher.push_image("test/squashed", Some("1"), &img).await;
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let info = r
        .lookup(&format!("{}/test/squashed:1", reg.host()), None)
        .await
        .unwrap();
    assert_eq!(created_by(&info), [None, None]);
    assert_eq!(sizes(&info), img.layer_sizes());
    assert_eq!(info.history.len(), 2);
}

#[tokio::test]
async fn cold_then_warm_lookup_figures() {
    let (reg, _demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());

    let cold = Registry::new(config(tmp.path(), true)).unwrap();
    let started = Instant::now();
    let first = cold.lookup(&image, None).await.unwrap();
    let cold_time = started.elapsed();
    let cold_requests = cold.stats().requests;
    assert_eq!(cold_requests, 3, "index, platform manifest, config");

    // A new client on the same cache directory, as a second dlint process would be.
    let warm = Registry::new(config(tmp.path(), true)).unwrap();
    let started = Instant::now();
    let second = warm.lookup(&image, None).await.unwrap();
    let warm_time = started.elapsed();
    assert_eq!(warm.stats().requests, 0, "a warm lookup sends no request");
    assert!(
        matches!(second.source, Source::Cache { .. }),
        "{:?}",
        second.source
    );
    assert_eq!(without_source(&first), without_source(&second));

    let rounds: u32 = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        warm.lookup(&image, None).await.unwrap();
    }
    let warm_avg = started.elapsed() / rounds;
    assert_eq!(warm.stats().requests, 0);
    eprintln!(
        "FROM {image} (linux/amd64): cold {cold_requests} requests in {cold_time:?}; \
         warm 0 requests in {warm_time:?} (first), {warm_avg:?} (mean of {rounds})"
    );
}

#[tokio::test]
async fn offline_mode_never_touches_the_network() {
    let (reg, _demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());

    let offline = Registry::new(RegistryConfig {
        offline: true,
        ..config(tmp.path(), true)
    })
    .unwrap();
    let err = offline.lookup(&image, None).await.unwrap_err();
    assert!(matches!(err, RegistryError::Offline(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("offline and not cached"),
        "{err}"
    );
    assert_eq!(offline.stats().requests, 0);

    let online = Registry::new(config(tmp.path(), true)).unwrap();
    online.lookup(&image, None).await.unwrap();

    // Offline answers from the cache even past the tag TTL…
    let offline = Registry::new(RegistryConfig {
        offline: true,
        tag_ttl: Duration::ZERO,
        ..config(tmp.path(), true)
    })
    .unwrap();
    let info = offline.lookup(&image, None).await.unwrap();
    assert!(matches!(info.source, Source::Cache { .. }));
    // …but a platform never fetched is not there.
    let err = offline
        .lookup(&image, Some("linux/arm64"))
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Offline(_)), "{err:?}");
    assert_eq!(offline.stats().requests, 0);
}

#[tokio::test]
async fn stale_tags_are_revalidated_with_head() {
    let (reg, demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());
    let r = Registry::new(RegistryConfig {
        tag_ttl: Duration::ZERO,
        ..config(tmp.path(), true)
    })
    .unwrap();
    r.lookup(&image, None).await.unwrap();
    assert_eq!(r.stats().requests, 3);
    let again = r.lookup(&image, None).await.unwrap();
    assert_eq!(r.stats().requests, 4, "one HEAD: the tag did not move");
    assert!(matches!(again.source, Source::Live { .. }));

    // Move the tag to a single arm64 manifest: HEAD, GET the tag, then its config.
    let mut pusher = Pusher::new(&reg.url(), PushAuth::Anonymous);
    pusher
        .manifest("test/demo", "multi", OCI.manifest, &demo.arm64.manifest)
        .await;
    let moved = r.lookup(&image, None).await.unwrap();
    assert_eq!(
        moved.manifest_digest.as_deref(),
        Some(demo.arm64.digest.as_str())
    );
    assert_eq!(moved.index_digest, None);
    assert_eq!(
        r.stats().requests,
        7,
        "HEAD, GET of the moved tag, the arm64 config"
    );
}

#[tokio::test]
async fn corrupt_cache_entries_are_dropped_and_refetched() {
    let (reg, demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());
    let first = Registry::new(config(tmp.path(), true)).unwrap();
    let reference = first.lookup(&image, None).await.unwrap();

    let cache = Cache::new(tmp.path().join("cache"));
    let config_path = cache.blob_path(&Digest::parse(&demo.amd64.config_digest).unwrap());
    let bytes = std::fs::read(&config_path).unwrap();
    std::fs::write(&config_path, &bytes[..bytes.len() / 2]).unwrap(); // truncated
    let index_path = cache.blob_path(&Digest::parse(&demo.index_digest).unwrap());
    let mut flipped = std::fs::read(&index_path).unwrap();
    flipped[10] ^= 0x20; // same length, different bytes
    std::fs::write(&index_path, &flipped).unwrap();

    let second = Registry::new(config(tmp.path(), true)).unwrap();
    let info = second.lookup(&image, None).await.unwrap();
    assert_eq!(without_source(&info), without_source(&reference));
    assert_eq!(second.cache().unwrap().corrupt_dropped(), 2);
    assert_eq!(
        second.stats().requests,
        2,
        "index (by tag) and config refetched"
    );
    assert_eq!(std::fs::read(&config_path).unwrap(), bytes);

    // Garbage in the tag entry: dropped, the tag is asked again.
    let tag_path = cache.tag_path(&reg.host(), "test/demo", "multi");
    std::fs::write(&tag_path, b"{\"reference\":").unwrap();
    let third = Registry::new(config(tmp.path(), true)).unwrap();
    third.lookup(&image, None).await.unwrap();
    assert_eq!(third.stats().requests, 1);
    assert_eq!(third.cache().unwrap().corrupt_dropped(), 1);

    let fourth = Registry::new(config(tmp.path(), true)).unwrap();
    fourth.lookup(&image, None).await.unwrap();
    assert_eq!(fourth.stats().requests, 0, "repaired cache is warm again");
}

#[test]
fn concurrent_processes_share_the_cache_safely() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (reg, demo) = rt.block_on(registry_with_demo());
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());
    // TTL 0: every lookup rewrites the tag entry, so writers really do collide.
    let settings = RegistryConfig {
        tag_ttl: Duration::ZERO,
        ..config(tmp.path(), true)
    };
    let expected_amd = demo.amd64.digest.clone();
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let (settings, image, expected_amd) =
                (settings.clone(), image.clone(), expected_amd.clone());
            std::thread::spawn(move || {
                // Each thread has its own client, runtime and connection pool: a process.
                let r = BlockingRegistry::new(settings).unwrap();
                for round in 0..6 {
                    let platform = if (i + round) % 2 == 0 {
                        None
                    } else {
                        Some("linux/arm64")
                    };
                    let info = r.lookup(&image, platform).unwrap();
                    if platform.is_none() {
                        assert_eq!(info.manifest_digest.as_deref(), Some(expected_amd.as_str()));
                    }
                }
            })
        })
        .collect();
    // Meanwhile, raw writers and readers hammer the same blob files.
    let cache = Arc::new(Cache::new(tmp.path().join("cache")));
    let docs = Arc::new(vec![
        demo.index.clone(),
        demo.amd64.manifest.clone(),
        demo.amd64.config.clone(),
    ]);
    let bad_reads = Arc::new(AtomicUsize::new(0));
    let hammers: Vec<_> = (0..3)
        .map(|_| {
            let (cache, docs, bad_reads) = (cache.clone(), docs.clone(), bad_reads.clone());
            std::thread::spawn(move || {
                for _ in 0..200 {
                    for d in docs.iter() {
                        let digest = Digest::of(d);
                        cache.put_blob(&digest, d).unwrap();
                        if let Some(b) = cache.get_blob(&digest)
                            && b.bytes != *d
                        {
                            bad_reads.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers.into_iter().chain(hammers) {
        w.join().unwrap();
    }
    assert_eq!(bad_reads.load(Ordering::Relaxed), 0);
    assert_eq!(
        cache.corrupt_dropped(),
        0,
        "no reader ever saw a partial file"
    );
    // Every stored blob verifies and no temporary file is left behind.
    let blobs = tmp.path().join("cache/oci/blobs/sha256");
    for entry in std::fs::read_dir(&blobs).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(!name.starts_with('.'), "leftover temp file {name}");
        let digest = Digest::from_hex(&name).unwrap();
        digest.verify(&std::fs::read(&path).unwrap()).unwrap();
    }
    let warm = BlockingRegistry::new(RegistryConfig {
        tag_ttl: Duration::from_secs(3600),
        ..settings
    })
    .unwrap();
    warm.lookup(&image, Some("linux/arm64")).unwrap();
    assert_eq!(warm.registry().stats().requests, 0);
}

#[tokio::test]
async fn basic_auth_with_docker_config_and_credential_helpers() {
    let reg = TestRegistry::start(&Auth::Htpasswd {
        user: "testuser".into(),
        password: "testpass".into(),
    });
    let img = platform_image(&DOCKER, "amd64", None);
    let creds = PushAuth::Basic {
        user: "testuser".into(),
        password: "testpass".into(),
    };
    Pusher::new(&reg.url(), creds)
        .push_image("private/app", Some("1"), &img)
        .await;
    let image = format!("{}/private/app:1", reg.host());
    let tmp = TempDir::new().unwrap();
    // A credential helper that knows only this registry (server URL read from stdin).
    let helpers = tmp.path().join("helpers");
    std::fs::create_dir(&helpers).unwrap();
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nserver=$(cat)\n\
         [ \"$server\" = \"{}\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\n\
         printf '{{\"ServerURL\":\"%s\",\"Username\":\"testuser\",\"Secret\":\"testpass\"}}' \"$server\"\n",
        reg.host()
    );
    let helper = helpers.join("docker-credential-dlinttest");
    std::fs::write(&helper, script).unwrap();
    let mut perms = std::fs::metadata(&helper).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&helper, perms).unwrap();

    // No credentials: a clear error, after exactly one request.
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let err = r.lookup(&image, None).await.unwrap_err();
    assert!(matches!(err, RegistryError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("docker login"), "{err}");
    assert_eq!(r.stats().requests, 1);

    // `auths` with base64 user:pass; after the first 401 the header is sent up front.
    write_docker_config(
        tmp.path(),
        &basic_auths(&reg.host(), "testuser", "testpass"),
    );
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let info = r.lookup(&image, None).await.unwrap();
    assert_eq!(sizes(&info), img.layer_sizes());
    assert_eq!(r.stats().requests, 3, "one 401, then manifest and config");

    // Wrong password: refused, and the message does not echo it.
    write_docker_config(tmp.path(), &basic_auths(&reg.host(), "testuser", "hunter2"));
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let err = r.lookup(&image, None).await.unwrap_err();
    assert!(matches!(err, RegistryError::Unauthorized { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("hunter2"));

    // credsStore: the helper answers for every registry.
    write_docker_config(tmp.path(), &json!({"credsStore": "dlinttest"}));
    let r = Registry::new(RegistryConfig {
        credential_helper_dir: Some(helpers.clone()),
        ..config(tmp.path(), false)
    })
    .unwrap();
    r.lookup(&image, None).await.unwrap();

    // credHelpers for this host wins over a wrong `auths` entry.
    let mut cfg = basic_auths(&reg.host(), "testuser", "wrong");
    cfg["credHelpers"] = json!({ reg.host(): "dlinttest" });
    write_docker_config(tmp.path(), &cfg);
    let r = Registry::new(RegistryConfig {
        credential_helper_dir: Some(helpers),
        ..config(tmp.path(), false)
    })
    .unwrap();
    r.lookup(&image, None).await.unwrap();
}

#[tokio::test]
async fn bearer_tokens_from_a_trusted_issuer() {
    let issuer = TokenIssuer::start(300);
    let reg = TestRegistry::start(&issuer.registry_auth());
    let demo = demo(&OCI);
    let mut pusher = Pusher::new(&reg.url(), PushAuth::Anonymous);
    push_demo(&mut pusher, "test/demo", "multi", &demo).await;
    pusher
        .push_image("test/other", Some("1"), &demo.arm64)
        .await;
    let pushes = issuer.requests().len();

    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();
    let info = r
        .lookup(&format!("{}/test/demo:multi", reg.host()), None)
        .await
        .unwrap();
    assert_eq!(sizes(&info), demo.amd64.layer_sizes());
    let stats = r.stats();
    assert_eq!(stats.token_requests, 1, "one token serves the whole lookup");
    assert_eq!(
        stats.requests, 5,
        "401, token, then index, manifest, config"
    );
    let asked = &issuer.requests()[pushes..];
    assert_eq!(asked[0].query("scope"), ["repository:test/demo:pull"]);
    assert_eq!(asked[0].query("service"), [SERVICE]);
    assert_eq!(
        asked[0].header("authorization"),
        None,
        "anonymous token request"
    );

    // Another tag of the same repository reuses the token; another repository needs one.
    r.lookup(
        &format!("{}/test/demo:multi", reg.host()),
        Some("linux/arm64"),
    )
    .await
    .unwrap();
    assert_eq!(r.stats().token_requests, 1);
    r.lookup(&format!("{}/test/other:1", reg.host()), None)
        .await
        .unwrap();
    assert_eq!(r.stats().token_requests, 2);
}

#[tokio::test]
async fn bearer_tokens_expire_after_expires_in() {
    // `expires_in: 2` → usable for 1 s (safety margin: half the lifetime when short).
    let issuer = TokenIssuer::start(2);
    let reg = TestRegistry::start(&issuer.registry_auth());
    let img = platform_image(&OCI, "amd64", None);
    Pusher::new(&reg.url(), PushAuth::Anonymous)
        .push_image("test/app", Some("1"), &img)
        .await;
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let image = format!("{}/test/app:1", reg.host());
    r.lookup(&image, None).await.unwrap();
    r.lookup(&image, None).await.unwrap();
    assert_eq!(r.stats().token_requests, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    r.lookup(&image, None).await.unwrap();
    assert_eq!(r.stats().token_requests, 2);
}

/// A fake registry serving one single-platform image at `repo:tag`, with `tweak` applied to
/// each reply (wrong bytes, extra headers, status codes…).
fn fake_registry(
    ip: &str,
    repo: &str,
    tag: &str,
    img: &Image,
    tweak: impl Fn(&Request, Reply) -> Reply + Send + Sync + 'static,
) -> FakeServer {
    let (img, repo, tag) = (img.clone(), repo.to_owned(), tag.to_owned());
    FakeServer::start(ip, move |req| {
        let manifests = format!("/v2/{repo}/manifests/");
        let blobs = format!("/v2/{repo}/blobs/");
        let route = req.route();
        let reply = if route == format!("{manifests}{tag}")
            || route == format!("{manifests}{}", img.digest)
        {
            Reply::ok(img.media_type, &img.manifest).header("Docker-Content-Digest", &img.digest)
        } else if route == format!("{blobs}{}", img.config_digest) {
            Reply::ok("application/octet-stream", &img.config)
        } else {
            Reply::new(404).body(br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#)
        };
        tweak(req, reply)
    })
}

#[tokio::test]
async fn wrong_digests_are_errors_and_nothing_unverified_is_cached() {
    let img = platform_image(&OCI, "amd64", None);
    let config_digest = Digest::parse(&img.config_digest).unwrap();
    let manifest_digest = Digest::parse(&img.digest).unwrap();

    // The config blob's bytes do not match its digest.
    let config_route = format!("/v2/test/app/blobs/{}", img.config_digest);
    let server = fake_registry("127.0.0.1", "test/app", "1", &img, move |req, reply| {
        if req.route() == config_route {
            Reply::ok("application/octet-stream", b"{\"os\":\"tampered\"}")
        } else {
            reply
        }
    });
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();
    let err = r
        .lookup(&format!("{}/test/app:1", server.host()), None)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Verification { .. }), "{err:?}");
    assert!(err.to_string().contains("digest mismatch"), "{err}");
    let cache = r.cache().unwrap();
    assert!(
        !cache.blob_path(&config_digest).exists(),
        "tampered blob cached"
    );
    assert!(
        cache.get_blob(&manifest_digest).is_some(),
        "verified manifest cached"
    );

    // The tag's manifest does not match the Docker-Content-Digest it claims.
    let server = fake_registry("127.0.0.1", "test/app", "1", &img, |_, mut reply| {
        for (k, v) in &mut reply.headers {
            if k == "Docker-Content-Digest" {
                *v = Digest::of(b"something else").to_string();
            }
        }
        reply
    });
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();
    let err = r
        .lookup(&format!("{}/test/app:1", server.host()), None)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Verification { .. }), "{err:?}");
    let cache = r.cache().unwrap();
    assert!(!cache.blob_path(&manifest_digest).exists());
    assert!(cache.get_tag(&server.host(), "test/app", "1").is_none());
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let img = platform_image(&OCI, "amd64", None);
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let server = fake_registry("127.0.0.1", "test/app", "1", &img, move |req, reply| {
        if req.route().contains("/manifests/") && seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::new(429).header("Retry-After", "1")
        } else {
            reply
        }
    });
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let started = Instant::now();
    r.lookup(&format!("{}/test/app:1", server.host()), None)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "did not wait: {waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(r.stats().retries, 1);
    let reqs = server.requests();
    let gap = reqs[1].at.duration_since(reqs[0].at);
    assert!(
        gap >= Duration::from_millis(950),
        "retry came after {gap:?}"
    );

    // A Retry-After beyond the cap (Docker Hub's pull limit asks for hours): fail at once.
    let server = fake_registry("127.0.0.1", "test/app", "1", &img, |_, _| {
        Reply::new(429).header("Retry-After", "3600")
    });
    let started = Instant::now();
    let err = r
        .lookup(&format!("{}/test/app:1", server.host()), None)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    match err {
        RegistryError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }

    // 503 without Retry-After: exponential backoff (10 ms base here), then success.
    let flaky = Arc::new(AtomicUsize::new(0));
    let count = flaky.clone();
    let server = fake_registry("127.0.0.1", "test/app", "1", &img, move |_, reply| {
        if count.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::new(503)
        } else {
            reply
        }
    });
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    r.lookup(&format!("{}/test/app:1", server.host()), None)
        .await
        .unwrap();
    assert_eq!(r.stats().retries, 2);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_fast() {
    let server = FakeServer::silent("127.0.0.1");
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(RegistryConfig {
        request_timeout: Duration::from_millis(300),
        ..config(tmp.path(), false)
    })
    .unwrap();
    let started = Instant::now();
    let err = r
        .lookup(&format!("{}/test/app:1", server.host()), None)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.stats().requests, 1, "timeouts are not retried");

    // Nothing listening: connection refused, retried with backoff, then a clear error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let err = r
        .lookup(&format!("127.0.0.1:{port}/test/app:1"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Connect { .. }), "{err:?}");
    assert_eq!(r.stats().retries, 3);
}

#[tokio::test]
async fn an_unreachable_registry_falls_back_to_the_stale_cache() {
    let img = platform_image(&OCI, "amd64", None);
    let server = fake_registry("127.0.0.1", "test/app", "1", &img, |_, reply| reply);
    let image = format!("{}/test/app:1", server.host());
    let tmp = TempDir::new().unwrap();
    let settings = RegistryConfig {
        tag_ttl: Duration::ZERO,
        ..config(tmp.path(), true)
    };
    let fresh = Registry::new(settings.clone()).unwrap();
    let live = fresh.lookup(&image, None).await.unwrap();
    drop(server);

    let r = Registry::new(settings).unwrap();
    let stale = r.lookup(&image, None).await.unwrap();
    assert!(
        matches!(stale.source, Source::Cache { .. }),
        "{:?}",
        stale.source
    );
    assert_eq!(without_source(&stale), without_source(&live));
    assert_eq!(
        r.stats().requests,
        4,
        "one HEAD, retried 3 times, then the cache"
    );
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let img = platform_image(&OCI, "amd64", None);
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (now, max) = (in_flight.clone(), peak.clone());
    let server = FakeServer::start("127.0.0.1", move |req| {
        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(n, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(60));
        now.fetch_sub(1, Ordering::SeqCst);
        if req.route().contains("/manifests/") {
            Reply::ok(img.media_type, &img.manifest)
        } else {
            Reply::ok("application/octet-stream", &img.config)
        }
    });
    let tmp = TempDir::new().unwrap();
    let r = Arc::new(
        Registry::new(RegistryConfig {
            max_concurrency: 2,
            ..config(tmp.path(), false)
        })
        .unwrap(),
    );
    let mut lookups = tokio::task::JoinSet::new();
    for i in 0..6 {
        let (r, image) = (r.clone(), format!("{}/test/app:{i}", server.host()));
        lookups.spawn(async move { r.lookup(&image, None).await.map(|_| ()) });
    }
    while let Some(done) = lookups.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(r.stats().requests, 12);
    assert_eq!(
        peak.load(Ordering::SeqCst),
        2,
        "at most 2 requests in flight"
    );
}

#[tokio::test]
async fn redirects_to_another_host_drop_authorization() {
    let img = platform_image(&OCI, "amd64", None);
    // B: blob storage on another loopback address; serves the config to anyone.
    let config_bytes = img.config.clone();
    let storage = FakeServer::start("127.0.0.2", move |req| {
        if req.route() == "/storage/config" {
            Reply::ok("application/octet-stream", &config_bytes)
        } else {
            Reply::new(404)
        }
    });
    // A: the registry; Basic auth required; blob GETs redirect to B with a signed URL.
    let expected = format!("Basic {}", BASE64.encode("me:secret"));
    let location = format!("{}/storage/config?X-Signature=s3cr3t", storage.url());
    let registry = fake_registry("127.0.0.1", "test/app", "1", &img, move |req, reply| {
        if req.header("authorization") != Some(expected.as_str()) {
            return Reply::new(401).header("WWW-Authenticate", "Basic realm=\"fake\"");
        }
        if req.route().contains("/blobs/") {
            return Reply::new(307).header("Location", &location);
        }
        reply
    });
    let tmp = TempDir::new().unwrap();
    write_docker_config(tmp.path(), &basic_auths(&registry.host(), "me", "secret"));
    let r = Registry::new(config(tmp.path(), true)).unwrap();
    let info = r
        .lookup(&format!("{}/test/app:1", registry.host()), None)
        .await
        .unwrap();
    assert_eq!(info.history.len(), HISTORY.len());
    assert_eq!(r.stats().redirects, 1);

    let a = registry.requests();
    assert!(
        a.iter()
            .any(|q| q.route().contains("/blobs/") && q.header("authorization").is_some())
    );
    let b = storage.requests();
    assert_eq!(b.len(), 1);
    assert_eq!(
        b[0].header("authorization"),
        None,
        "credentials leaked to another host"
    );
    assert_eq!(b[0].query("X-Signature"), ["s3cr3t"]);
}

#[tokio::test]
async fn insufficient_scope_fetches_a_wider_token_once() {
    let img = platform_image(&OCI, "amd64", None);
    let tokens = FakeServer::start("127.0.0.1", |req| {
        let scope = req.query("scope").join(" ");
        let body = json!({"token": format!("tok-{scope}"), "expires_in": 300}).to_string();
        Reply::ok("application/json", body.as_bytes())
    });
    let realm = format!("{}/token", tokens.url());
    let registry = fake_registry("127.0.0.1", "test/app", "1", &img, move |req, reply| {
        let challenge = |extra: &str| {
            format!(
                "Bearer realm=\"{realm}\",service=\"fake\",scope=\"repository:test/app:pull\"{extra}"
            )
        };
        match req.header("authorization") {
            None => Reply::new(401).header("WWW-Authenticate", &challenge("")),
            Some("Bearer tok-repository:test/app:pull") => Reply::new(401).header(
                "WWW-Authenticate",
                &format!(
                    "Bearer realm=\"{realm}\",service=\"fake\",scope=\"repository:test/app:pull,push\",error=\"insufficient_scope\""
                ),
            ),
            Some("Bearer tok-repository:test/app:pull,push") => reply,
            Some(_) => Reply::new(403),
        }
    });
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let reference = Reference::parse(&format!("{}/test/app:1", registry.host())).unwrap();
    let digest = r.resolve_digest(&reference).await.unwrap();
    assert_eq!(digest.to_string(), img.digest);
    let scopes: Vec<_> = tokens.requests().iter().map(|q| q.query("scope")).collect();
    assert_eq!(
        scopes,
        [
            ["repository:test/app:pull"],
            ["repository:test/app:pull,push"]
        ]
    );

    // A token realm on a remote plain-HTTP host is refused before any request is made.
    let registry = fake_registry("127.0.0.1", "test/app", "1", &img, |_, _| {
        Reply::new(401).header(
            "WWW-Authenticate",
            "Bearer realm=\"http://auth.example.invalid/token\",service=\"x\"",
        )
    });
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    let reference = Reference::parse(&format!("{}/test/app:1", registry.host())).unwrap();
    let err = r.resolve_digest(&reference).await.unwrap_err();
    assert!(matches!(err, RegistryError::Insecure { .. }), "{err:?}");
    assert_eq!(r.stats().token_requests, 0);
}

#[tokio::test]
async fn stored_credentials_go_to_the_token_realm() {
    let img = platform_image(&OCI, "amd64", None);
    let tokens = FakeServer::start("127.0.0.1", |req| {
        let body = json!({"access_token": format!("tok-{}", req.method), "expires_in": 300});
        Reply::ok("application/json", body.to_string().as_bytes())
    });
    let realm = format!("{}/token", tokens.url());
    let registry = fake_registry("127.0.0.1", "test/app", "1", &img, move |req, reply| {
        if req
            .header("authorization")
            .is_some_and(|a| a.starts_with("Bearer tok-"))
        {
            reply
        } else {
            Reply::new(401).header(
                "WWW-Authenticate",
                &format!(
                    "Bearer realm=\"{realm}\",service=\"fake\",scope=\"repository:test/app:pull\""
                ),
            )
        }
    });
    let reference = Reference::parse(&format!("{}/test/app:1", registry.host())).unwrap();
    let tmp = TempDir::new().unwrap();

    // user:pass → Basic on the token GET (the realm the registry named).
    write_docker_config(tmp.path(), &basic_auths(&registry.host(), "me", "pw"));
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    r.resolve_digest(&reference).await.unwrap();
    let got = tokens.requests();
    assert_eq!(got[0].method, "GET");
    assert_eq!(
        got[0].header("authorization"),
        Some(format!("Basic {}", BASE64.encode("me:pw")).as_str())
    );

    // An identity token → OAuth2 refresh-token POST (oauth.md), no Authorization header.
    write_docker_config(
        tmp.path(),
        &json!({"auths": {registry.host(): {"identitytoken": "idt-secret"}}}),
    );
    let r = Registry::new(config(tmp.path(), false)).unwrap();
    r.resolve_digest(&reference).await.unwrap();
    let post = &tokens.requests()[1];
    assert_eq!(post.method, "POST");
    assert_eq!(post.header("authorization"), None);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&post.body)
        .into_owned()
        .collect();
    for (k, v) in [
        ("grant_type", "refresh_token"),
        ("refresh_token", "idt-secret"),
        ("service", "fake"),
        ("scope", "repository:test/app:pull"),
    ] {
        assert!(
            form.contains(&(k.to_owned(), v.to_owned())),
            "{k}={v} missing in {form:?}"
        );
    }
}

#[tokio::test]
async fn docker_hub_mirrors_are_tried_first() {
    let reg = TestRegistry::start(&Auth::None);
    let img = platform_image(&OCI, "amd64", None);
    Pusher::new(&reg.url(), PushAuth::Anonymous)
        .push_image("library/demo", Some("1"), &img)
        .await;
    let tmp = TempDir::new().unwrap();
    // A closed loopback port stands in for Docker Hub, so nothing can leave the machine.
    let hub = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hub_url = format!("http://{}", hub.local_addr().unwrap());
    drop(hub);

    let mut settings = config(tmp.path(), false);
    settings.mirrors.insert("docker.io".into(), vec![reg.url()]);
    settings
        .endpoints
        .insert("docker.io".into(), hub_url.clone());
    let r = Registry::new(settings).unwrap();
    let info = r.lookup("demo:1", None).await.unwrap();
    assert_eq!(info.reference, "docker.io/library/demo:1");
    assert_eq!(sizes(&info), img.layer_sizes());
    assert_eq!(r.stats().requests, 2);

    // A mirror without the image (404) falls back to the registry itself.
    let empty_mirror = FakeServer::start("127.0.0.1", |_| Reply::new(404));
    let mut settings = config(tmp.path(), false);
    settings
        .mirrors
        .insert("docker.io".into(), vec![empty_mirror.url()]);
    settings.endpoints.insert("docker.io".into(), reg.url());
    let r = Registry::new(settings).unwrap();
    let info = r.lookup("docker.io/library/demo:1", None).await.unwrap();
    assert_eq!(sizes(&info), img.layer_sizes());
    assert_eq!(
        empty_mirror.requests().len(),
        2,
        "manifest and config asked first"
    );
}

#[tokio::test]
async fn invalid_references_never_make_a_request() {
    let tmp = TempDir::new().unwrap();
    let r = Registry::new(config(tmp.path(), true)).unwrap();
    for bad in [
        "Python:3",
        "python:$VERSION",
        "a b",
        "python@sha256:abc",
        "python:",
    ] {
        let err = r.lookup(bad, None).await.unwrap_err();
        assert!(matches!(err, RegistryError::Reference(_)), "{bad}: {err:?}");
    }
    let err = r.lookup("python", Some("linux")).await.unwrap_err();
    assert!(matches!(err, RegistryError::Platform(_)), "{err:?}");
    assert_eq!(r.stats().requests, 0);
}

/// `dlint image` end to end: the real binary against the real registry, then again with
/// `--offline` answered from the cache it filled, and `--offline` with an empty cache.
#[tokio::test]
async fn dlint_image_cli_live_then_offline_from_cache() {
    let (reg, demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());
    let run = |cache: &Path, offline: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dlint"));
        cmd.args(["image", &image, "--format", "json"]);
        if offline {
            cmd.arg("--offline");
        }
        cmd.env("DLINT_CACHE_DIR", cache)
            .env("HOME", tmp.path())
            .env("DOCKER_CONFIG", tmp.path())
            .output()
            .unwrap()
    };
    let cache = tmp.path().join("cache");
    let live = run(&cache, false);
    assert_eq!(
        live.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    assert_eq!(v["image"]["source"]["kind"], "live");
    assert_eq!(v["image"]["platform"], "linux/amd64");
    let sizes: Vec<u64> = v["image"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["compressed_bytes"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, demo.amd64.layer_sizes());

    let cached = run(&cache, true);
    assert_eq!(
        cached.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&cached.stderr)
    );
    let c: serde_json::Value = serde_json::from_slice(&cached.stdout).unwrap();
    assert_eq!(c["image"]["source"]["kind"], "cache");
    assert_eq!(c["image"]["layers"], v["image"]["layers"]);

    let empty = run(&tmp.path().join("empty"), true);
    assert_eq!(empty.status.code(), Some(2));
    let err = String::from_utf8_lossy(&empty.stderr);
    assert!(err.contains("offline"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `dlint image --refresh REF` fetches live facts into the cache (re-checking the tag
/// whatever its age) and reports them; `--offline` then answers from that cache.
#[tokio::test]
async fn dlint_image_refresh_fills_the_cache() {
    let (reg, _demo) = registry_with_demo().await;
    let tmp = TempDir::new().unwrap();
    let image = format!("{}/test/demo:multi", reg.host());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dlint"))
            .args(args)
            .env("DLINT_CACHE_DIR", tmp.path().join("cache"))
            .env("HOME", tmp.path())
            .env("DOCKER_CONFIG", tmp.path())
            .output()
            .unwrap()
    };
    let refreshed = run(&["image", "--refresh", &image]);
    let out = String::from_utf8_lossy(&refreshed.stdout);
    assert_eq!(
        refreshed.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&refreshed.stderr)
    );
    assert!(out.contains("new (not in the catalogue)"), "{out}");
    assert!(out.contains("refreshed 1 of 1 references"), "{out}");
    let offline = run(&["image", "--offline", "--format", "json", &image]);
    assert_eq!(offline.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(v["image"]["source"]["kind"], "cache");
    // A registry that is gone: the refresh says which reference failed and exits 2.
    drop(reg);
    let failed = run(&["image", "--refresh", &image]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("failed:"));
}
