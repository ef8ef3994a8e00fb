//! `dlint image`: catalogue lookups (sizes, platforms, unknown references), variants, and
//! the analysis of saved images built here, byte for byte, with the `tar` crate: a
//! `docker save` tarball (legacy and OCI-blobs layouts) and an OCI image layout, three
//! layers each — layer 2 overwrites a file of layer 1, layer 3 deletes one by whiteout and
//! makes a directory opaque.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use dlint::registry::archive::{self, ArchiveFormat, ArchiveReport, Hidden};
use dlint::registry::catalog::{self, CatalogMiss, VariantKind};
use dlint::registry::variants::{self, Libc, PackageManager};
use dlint::registry::{Source, show};

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn dlint_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_dlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Never the user's cache, and no registry credentials from the machine.
        .env(
            "DLINT_CACHE_DIR",
            std::env::temp_dir().join("dlint-image-tests-empty-cache"),
        )
        .env(
            "DOCKER_CONFIG",
            std::env::temp_dir().join("dlint-image-tests-no-docker-config"),
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn dlint(args: &[&str]) -> Run {
    dlint_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

// ---------------------------------------------------------------------------------------
// Catalogue.

#[test]
fn python_slim_from_the_catalogue() {
    let info = catalog::lookup("python:3.12-slim", None).unwrap();
    assert_eq!(info.reference, "docker.io/library/python:3.12-slim");
    assert_eq!(info.platform, "linux/amd64");
    assert_eq!(info.layers.len(), 4);
    assert_eq!(info.compressed_total(), 43_188_023);
    let Source::Catalog { as_of, source } = &info.source else {
        panic!("{:?}", info.source);
    };
    assert_eq!(as_of, "2026-08-05T01:12:42Z");
    assert!(source.contains("docker-library/repo-info@"), "{source}");
    assert_eq!(
        catalog::variant_kind("python:3.12-slim"),
        Some(VariantKind::Slim)
    );
    // The canonical spelling finds the same entry.
    assert_eq!(
        catalog::lookup("docker.io/library/python:3.12-slim", Some("linux/amd64")).unwrap(),
        info
    );
}

#[test]
fn unknown_references() {
    assert_eq!(
        catalog::lookup("python:2.7", None).unwrap_err(),
        CatalogMiss::NotInCatalogue {
            reference: "docker.io/library/python:2.7".into()
        }
    );
    assert!(matches!(
        catalog::lookup("$BASE", None),
        Err(CatalogMiss::InvalidReference(_))
    ));
    // A registry on loopback that refuses connections: the live lookup fails fast and
    // no traffic leaves the machine.
    let run = dlint(&["image", "127.0.0.1:1/team/app:1.0"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(
            "127.0.0.1:1/team/app:1.0: not in the offline catalogue; live registry lookup:"
        ),
        "{run:?}"
    );
    let run = dlint(&["image", "--offline", "python:2.7"]);
    assert!(
        run.stderr
            .contains("not in the offline catalogue; live registry lookup: offline and not cached"),
        "{run:?}"
    );
}

#[test]
fn platform_variants() {
    let arm = catalog::lookup("python:3.12-slim", Some("linux/arm64")).unwrap();
    assert_eq!(arm.platform, "linux/arm64/v8");
    assert_eq!(arm.compressed_total(), 43_464_443);
    assert_eq!(
        catalog::lookup("python:3.12-slim", Some("linux/arm64/v8")).unwrap(),
        arm
    );
    let miss = catalog::lookup("nginx:alpine", Some("linux/arm64")).unwrap_err();
    assert_eq!(
        miss.to_string(),
        "docker.io/library/nginx:alpine is in the offline catalogue, but not for linux/arm64 \
         (catalogued: linux/amd64)"
    );
    let run = dlint(&[
        "image",
        "--offline",
        "nginx:alpine",
        "--platform",
        "linux/s390x",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn variants_of_python() {
    let v = variants::variants_of("python:3.12");
    let rows: Vec<(&str, VariantKind, Option<u64>)> = v
        .iter()
        .map(|v| (v.reference.as_str(), v.kind, v.compressed_bytes))
        .collect();
    assert_eq!(
        rows,
        [
            ("python:3.12", VariantKind::Standard, Some(410_908_459)),
            ("python:3.12-slim", VariantKind::Slim, Some(43_188_023)),
            ("python:3.12-alpine", VariantKind::Alpine, Some(18_037_743)),
            (
                "gcr.io/distroless/python3:latest",
                VariantKind::Distroless,
                None
            ),
            (
                "cgr.dev/chainguard/python:latest",
                VariantKind::Chainguard,
                None
            ),
        ]
    );
    assert_eq!(v[2].libc, Libc::Musl);
    assert_eq!(v[2].package_manager, PackageManager::Apk);
    assert_eq!(v[3].shell, None);
    assert_eq!(v[4].size_note.as_deref(), Some("not in catalogue"));
    assert!(v[4].caveats.iter().any(|c| c.text.contains("subscription")));
    assert_eq!(
        variants::smaller_variant("python:3.12", false),
        Some(("python:3.12-slim".into(), 367_720_436))
    );
    assert_eq!(variants::smaller_variant("python:3.12", true), None);
}

#[test]
fn catalogue_text_output() {
    let run = dlint(&["image", "--offline", "python:3.12-slim"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("catalogue, as of 2026-08-05"));
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn catalogue_json_output() {
    let run = dlint(&["image", "--offline", "python:3.12-slim", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["image"]["layers"].as_array().unwrap().len(), 4);
    assert_eq!(v["image"]["source"]["kind"], "catalog");
    assert_eq!(v["image"]["source"]["as_of"], "2026-08-05T01:12:42Z");
    assert_eq!(v["variant_kind"], "slim");
    assert_eq!(v["catalogue"]["compressed_bytes"], 43_188_023);
    assert_eq!(v["variants"].as_array().unwrap().len(), 5);
}

#[test]
fn hover_markdown() {
    let info = catalog::lookup("python:3.12-slim", None).unwrap();
    let mut md = show::image_markdown(&info);
    md.push_str("\n---\n\n");
    md.push_str(&show::variants_markdown(&variants::variants_of(
        "python:3.12-slim",
    )));
    insta::assert_snapshot!(md);
}

#[test]
fn dockerfile_weight_on_each_variant() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n",
    )
    .unwrap();
    let run = dlint_in(dir.path(), &["image", "--dockerfile", "Dockerfile"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

// ---------------------------------------------------------------------------------------
// Saved images.

enum Item<'a> {
    Dir(&'a str),
    File(&'a str, Vec<u8>),
    Symlink(&'a str, &'a str),
}

fn tar(items: &[Item<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for item in items {
        let mut h = tar::Header::new_ustar();
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        match item {
            Item::Dir(path) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                b.append_data(&mut h, path, std::io::empty()).unwrap();
            }
            Item::Symlink(path, target) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                h.set_size(0);
                b.append_link(&mut h, path, target).unwrap();
            }
            Item::File(path, data) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(0o644);
                h.set_size(data.len() as u64);
                b.append_data(&mut h, path, data.as_slice()).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn sha(data: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(data)
        .iter()
        .fold(String::from("sha256:"), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

fn hex(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap()
}

/// The three layer tars (uncompressed).
fn layer_tars() -> [Vec<u8>; 3] {
    let l1 = tar(&[
        Item::Dir("etc/"),
        Item::File("etc/config", vec![b'a'; 100]),
        Item::Dir("app/"),
        Item::File("app/data.bin", vec![1; 5000]),
        Item::File("app/keep.txt", vec![b'k'; 10]),
        Item::Dir("var/"),
        Item::Dir("var/cache/"),
        Item::File("var/cache/a.bin", vec![2; 2000]),
        Item::File("var/cache/b.bin", vec![3; 3000]),
        Item::Dir("usr/"),
        Item::Dir("usr/bin/"),
        Item::File("usr/bin/tool", vec![4; 20000]),
    ]);
    let l2 = tar(&[
        Item::Dir("etc/"),
        Item::File("etc/config", vec![b'b'; 150]),
        Item::Dir("app/"),
        Item::File("app/new.txt", vec![b'n'; 50]),
    ]);
    // The opaque marker comes after a file of the same layer in that directory: it must
    // hide only the lower layers' files.
    let l3 = tar(&[
        Item::Dir("app/"),
        Item::File("app/.wh.data.bin", Vec::new()),
        Item::Dir("var/cache/"),
        Item::File("var/cache/c.bin", vec![5; 400]),
        Item::File("var/cache/.wh..wh..opq", Vec::new()),
    ]);
    [l1, l2, l3]
}

fn config(diff_ids: &[String]) -> Vec<u8> {
    let v = json!({
        "architecture": "amd64",
        "os": "linux",
        "created": "2026-01-02T03:04:05Z",
        "config": { "Cmd": ["/bin/sh"] },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": [
            { "created": "2026-01-01T00:00:00Z", "created_by": "ADD alpine-minirootfs-3.24.2-x86_64.tar.gz / # buildkit" },
            { "created": "2026-01-01T00:00:00Z", "created_by": "CMD [\"/bin/sh\"]", "empty_layer": true },
            { "created": "2026-01-02T03:04:05Z", "created_by": "COPY config /etc/config # buildkit" },
            { "created": "2026-01-02T03:04:05Z", "created_by": "RUN /bin/sh -c rm /app/data.bin && rm -rf /var/cache/* && touch /var/cache/c.bin # buildkit" },
        ],
    });
    serde_json::to_vec(&v).unwrap()
}

const DOCKERFILE: &str = "FROM alpine:3.24\n\
COPY config /etc/config\n\
RUN rm /app/data.bin && rm -rf /var/cache/* && touch /var/cache/c.bin\n";

/// A `docker save` tarball: legacy `<id>/layer.tar` layout or Docker 25+ blobs.
fn docker_save(legacy: bool) -> Vec<u8> {
    let layers = layer_tars();
    let diff_ids: Vec<String> = layers.iter().map(|l| sha(l)).collect();
    let config = config(&diff_ids);
    let config_digest = sha(&config);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut layer_paths = Vec::new();
    let config_path = if legacy {
        format!("{}.json", hex(&config_digest))
    } else {
        format!("blobs/sha256/{}", hex(&config_digest))
    };
    files.push((config_path.clone(), config));
    for (i, l) in layers.iter().enumerate() {
        let path = if legacy {
            // Layer ids are not content digests in the legacy layout.
            let id = sha(format!("layer-id-{i}").as_bytes());
            files.push((format!("{}/VERSION", hex(&id)), b"1.0".to_vec()));
            format!("{}/layer.tar", hex(&id))
        } else {
            format!("blobs/sha256/{}", hex(&sha(l)))
        };
        files.push((path.clone(), l.clone()));
        layer_paths.push(path);
    }
    let manifest = json!([{
        "Config": config_path,
        "RepoTags": ["demo:1"],
        "Layers": layer_paths,
    }]);
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    let items: Vec<Item<'_>> = files
        .iter()
        .map(|(p, d)| Item::File(p.as_str(), d.clone()))
        .collect();
    tar(&items)
}

/// An OCI image layout directory with gzip layers; `arm64` adds a second platform.
fn oci_layout(dir: &Path, arm64: bool) -> Vec<String> {
    let layers = layer_tars();
    let diff_ids: Vec<String> = layers.iter().map(|l| sha(l)).collect();
    let blobs = dir.join("blobs/sha256");
    fs::create_dir_all(&blobs).unwrap();
    let put = |data: &[u8]| -> (String, usize) {
        let d = sha(data);
        fs::write(blobs.join(hex(&d)), data).unwrap();
        (d, data.len())
    };
    let (config_digest, config_size) = put(&config(&diff_ids));
    let mut layer_descs = Vec::new();
    let mut layer_digests = Vec::new();
    for l in &layers {
        let (d, size) = put(&gzip(l));
        layer_digests.push(d.clone());
        layer_descs.push(json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": d, "size": size,
        }));
    }
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest, "size": config_size,
        },
        "layers": layer_descs,
    }))
    .unwrap();
    let (manifest_digest, manifest_size) = put(&manifest);
    let mut manifests = vec![json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest, "size": manifest_size,
        "platform": { "architecture": "amd64", "os": "linux" },
        "annotations": { "org.opencontainers.image.ref.name": "demo:1" },
    })];
    if arm64 {
        // Another manifest over the same blobs (only the digest differs).
        let mut m: Value = serde_json::from_slice(&manifest).unwrap();
        m["annotations"] = json!({ "variant": "arm64" });
        let (d, size) = put(&serde_json::to_vec(&m).unwrap());
        manifests.push(json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": d, "size": size,
            "platform": { "architecture": "arm64", "os": "linux", "variant": "v8" },
        }));
    }
    fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&json!({ "schemaVersion": 2, "manifests": manifests })).unwrap(),
    )
    .unwrap();
    layer_digests
}

/// The counts every layout must give.
fn check_counts(r: &ArchiveReport) {
    let counts: Vec<(usize, usize, usize, usize, u64)> = r
        .layers
        .iter()
        .map(|l| (l.added, l.changed, l.deleted, l.opaque_dirs, l.file_bytes))
        .collect();
    assert_eq!(
        counts,
        [(6, 0, 0, 0, 30_110), (1, 1, 0, 0, 200), (1, 0, 3, 1, 400)]
    );
    assert_eq!(r.layers[2].whiteouts, 1);
    assert_eq!(r.total_bytes, 30_710);
    // config (100) overwritten; data.bin (5000), a.bin (2000), b.bin (3000) deleted.
    assert_eq!(r.wasted_bytes, 10_100);
    assert_eq!(r.final_bytes, 20_610);
    assert!((r.efficiency - (1.0 - 10_100.0 / 30_710.0)).abs() < 1e-9);
    assert_eq!(r.layers[0].hidden_bytes, 10_100);
    assert_eq!(r.layers[1].hidden_bytes, 0);
    let largest: Vec<(&str, u64, usize)> = r
        .largest_files
        .iter()
        .map(|f| (f.path.as_str(), f.bytes, f.layer))
        .collect();
    assert_eq!(
        largest,
        [
            ("usr/bin/tool", 20_000, 1),
            ("var/cache/c.bin", 400, 3),
            ("etc/config", 150, 2),
            ("app/new.txt", 50, 2),
            ("app/keep.txt", 10, 1),
        ]
    );
    let wasted: Vec<(&str, Hidden, usize)> = r
        .wasted_files
        .iter()
        .map(|w| (w.path.as_str(), w.how, w.hidden_by))
        .collect();
    assert_eq!(
        wasted,
        [
            ("app/data.bin", Hidden::Deleted, 3),
            ("var/cache/b.bin", Hidden::Deleted, 3),
            ("var/cache/a.bin", Hidden::Deleted, 3),
            ("etc/config", Hidden::Overwritten, 2),
        ]
    );
    let created: Vec<Option<&str>> = r.layers.iter().map(|l| l.created_by.as_deref()).collect();
    assert!(
        created[1].unwrap().starts_with("COPY config"),
        "{created:?}"
    );
    assert_eq!(r.platform.as_deref(), Some("linux/amd64"));
}

#[test]
fn docker_save_legacy_layout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    fs::write(&path, docker_save(true)).unwrap();
    let r = archive::analyze_archive(&path, None).unwrap();
    assert_eq!(r.format, ArchiveFormat::DockerSaveLegacy);
    assert_eq!(r.reference.as_deref(), Some("demo:1"));
    // Legacy: the config by its file name, the layers by their diff_ids.
    assert_eq!(r.verified.blobs, 1);
    assert_eq!(r.verified.diff_ids, 3);
    check_counts(&r);
    let run = dlint_in(
        dir.path(),
        &["image", "--archive", "image.tar", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["wasted_bytes"], 10_100);
    assert_eq!(v["format"], "docker-save-legacy");
}

#[test]
fn docker_save_blobs_layout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    fs::write(&path, docker_save(false)).unwrap();
    let r = archive::analyze_archive(&path, None).unwrap();
    assert_eq!(r.format, ArchiveFormat::DockerSaveOci);
    assert_eq!(r.verified.blobs, 4);
    check_counts(&r);
    // Uncompressed blobs: the blob digest is the diff_id.
    assert!(r.layers.iter().all(|l| l.digest == l.diff_id));
}

#[test]
fn docker_save_layer_symlinks_into_blobs() {
    // `<id>/layer.tar` as a symlink to `../blobs/sha256/<hex>`.
    let layers = layer_tars();
    let diff_ids: Vec<String> = layers.iter().map(|l| sha(l)).collect();
    let config = config(&diff_ids);
    let config_path = format!("blobs/sha256/{}", hex(&sha(&config)));
    let mut files: Vec<(String, Vec<u8>)> = vec![(config_path.clone(), config)];
    let mut links = Vec::new();
    let mut layer_paths = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        files.push((format!("blobs/sha256/{}", hex(&sha(l))), l.clone()));
        let link = format!("{i}/layer.tar");
        links.push((link.clone(), format!("../blobs/sha256/{}", hex(&sha(l)))));
        layer_paths.push(link);
    }
    let manifest = json!([{ "Config": config_path, "Layers": layer_paths }]);
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    let mut items: Vec<Item<'_>> = files
        .iter()
        .map(|(p, d)| Item::File(p.as_str(), d.clone()))
        .collect();
    items.extend(
        links
            .iter()
            .map(|(l, t)| Item::Symlink(l.as_str(), t.as_str())),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    fs::write(&path, tar(&items)).unwrap();
    let r = archive::analyze_archive(&path, None).unwrap();
    assert_eq!(r.format, ArchiveFormat::DockerSaveLegacy);
    assert_eq!(r.reference, None);
    assert_eq!(r.verified.diff_ids, 3);
    check_counts(&r);
}

#[test]
fn oci_layout_text() {
    let dir = tempfile::tempdir().unwrap();
    oci_layout(&dir.path().join("layout"), false);
    let run = dlint_in(dir.path(), &["image", "--oci-layout", "layout"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn oci_layout_directory() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let digests = oci_layout(&layout, false);
    let r = archive::analyze_oci_layout(&layout, None).unwrap();
    assert_eq!(r.format, ArchiveFormat::OciLayout);
    assert_eq!(r.reference.as_deref(), Some("demo:1"));
    assert_eq!(r.verified.blobs, 5);
    check_counts(&r);
    let got: Vec<&str> = r.layers.iter().map(|l| l.digest.as_str()).collect();
    assert_eq!(got, digests.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(r.layers.iter().all(|l| l.digest != l.diff_id));
}

#[test]
fn oci_layout_platforms() {
    let dir = tempfile::tempdir().unwrap();
    oci_layout(dir.path(), true);
    let amd = archive::analyze_oci_layout(dir.path(), None).unwrap();
    let arm = archive::analyze_oci_layout(dir.path(), Some("linux/arm64")).unwrap();
    assert_ne!(amd.manifest_digest, arm.manifest_digest);
    let err = archive::analyze_oci_layout(dir.path(), Some("linux/s390x")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no image for platform linux/s390x in the layout (it has: linux/amd64, linux/arm64/v8)"
    );
}

#[test]
fn archive_text_with_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("image.tar"), docker_save(true)).unwrap();
    fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    let run = dlint_in(
        dir.path(),
        &[
            "image",
            "--archive",
            "image.tar",
            "--dockerfile",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("efficiency  67.1%"), "{}", run.stdout);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dockerfile_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    fs::write(&path, docker_save(false)).unwrap();
    let mut r = archive::analyze_archive(&path, None).unwrap();
    let df = dlint::syntax::parse(DOCKERFILE);
    let analysis = dlint::layers::analyze(&df, &dlint::layers::Options::default());
    archive::map_dockerfile(&mut r, "Dockerfile", &df, &analysis);
    let m = r.dockerfile.as_ref().unwrap();
    assert_eq!((m.own_layers, m.base_layers), (2, 1));
    assert!(m.notes.is_empty(), "{:?}", m.notes);
    let mapped: Vec<Option<(u32, Option<bool>)>> = r
        .layers
        .iter()
        .map(|l| l.instruction.as_ref().map(|i| (i.line, i.history_agrees)))
        .collect();
    assert_eq!(mapped, [None, Some((2, Some(true))), Some((3, Some(true)))]);

    // A Dockerfile that does not match: one layer too many, in the wrong order.
    let other = "FROM alpine:3.24\nRUN true\nWORKDIR /app\nCOPY config /etc/config\nRUN true\n";
    let df = dlint::syntax::parse(other);
    let analysis = dlint::layers::analyze(&df, &dlint::layers::Options::default());
    archive::map_dockerfile(&mut r, "Dockerfile", &df, &analysis);
    let m = r.dockerfile.as_ref().unwrap();
    assert_eq!((m.own_layers, m.base_layers), (4, 0));
    assert!(
        m.notes[0].starts_with("the Dockerfile makes 4 layers but the image has 3"),
        "{:?}",
        m.notes
    );
    assert!(
        m.notes
            .iter()
            .any(|n| n.contains("layer 1: the history says `ADD alpine-minirootfs")),
        "{:?}",
        m.notes
    );
}

#[test]
fn corrupted_oci_blob_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let digests = oci_layout(dir.path(), false);
    let blob = dir.path().join("blobs/sha256").join(hex(&digests[1]));
    let mut bytes = fs::read(&blob).unwrap();
    let last = bytes.len() - 9; // inside the deflate stream, before the gzip trailer
    bytes[last] ^= 0xff;
    fs::write(&blob, bytes).unwrap();
    let err = archive::analyze_oci_layout(dir.path(), None).unwrap_err();
    let msg = err.to_string();
    // The gzip stream breaks, but the root cause is reported: the blob is not what its
    // digest says.
    assert!(
        msg.starts_with(&format!(
            "layer 2 (blobs/sha256/{}): sha256 digest mismatch: expected {}",
            hex(&digests[1]),
            digests[1]
        )),
        "{msg}"
    );
    let run = dlint_in(dir.path(), &["image", "--oci-layout", "."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("layer 2"), "{run:?}");
}

#[test]
fn tampered_blob_with_valid_gzip_is_a_digest_mismatch() {
    // Same length and valid gzip, different bytes: only the digest can tell.
    let dir = tempfile::tempdir().unwrap();
    let digests = oci_layout(dir.path(), false);
    let blob = dir.path().join("blobs/sha256").join(hex(&digests[0]));
    let mut bytes = fs::read(&blob).unwrap();
    bytes[4] ^= 0x01; // gzip header MTIME: ignored by decoders
    fs::write(&blob, bytes).unwrap();
    let err = archive::analyze_oci_layout(dir.path(), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("layer 1") && err.contains("sha256 digest mismatch: expected "),
        "{err}"
    );
    assert!(err.contains(&digests[0]), "{err}");
}

#[test]
fn legacy_layer_checked_against_diff_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    let mut bytes = docker_save(true);
    // Flip one content byte of usr/bin/tool (all 4s) inside the first layer.tar.
    let at = bytes
        .windows(64)
        .position(|w| w.iter().all(|&b| b == 4))
        .unwrap();
    bytes[at] = 5;
    fs::write(&path, bytes).unwrap();
    let err = archive::analyze_archive(&path, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("uncompressed content (diff_id)") && err.contains("digest mismatch"),
        "{err}"
    );
}

#[test]
fn zstd_layers_are_reported_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    oci_layout(dir.path(), false);
    // Replace the manifest by one with a zstd layer (a zstd frame header is enough).
    let blob = [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0];
    let d = sha(&blob);
    fs::write(dir.path().join("blobs/sha256").join(hex(&d)), blob).unwrap();
    let cfg = config(&[sha(b"x")]);
    let cd = sha(&cfg);
    fs::write(dir.path().join("blobs/sha256").join(hex(&cd)), &cfg).unwrap();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cfg.len() },
        "layers": [{ "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd", "digest": d, "size": blob.len() }],
    }))
    .unwrap();
    let md = sha(&manifest);
    fs::write(dir.path().join("blobs/sha256").join(hex(&md)), &manifest).unwrap();
    fs::write(
        dir.path().join("index.json"),
        serde_json::to_vec(&json!({ "schemaVersion": 2, "manifests": [
            { "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": manifest.len() }
        ]}))
        .unwrap(),
    )
    .unwrap();
    let err = archive::analyze_oci_layout(dir.path(), None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "layer 1 (blobs/sha256/{}) is zstd-compressed \
             (application/vnd.oci.image.layer.v1.tar+zstd); dlint reads gzip and uncompressed \
             layers only",
            hex(&d)
        )
    );
}

#[test]
fn not_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.tar");
    fs::write(&path, tar(&[Item::File("hello.txt", b"hi".to_vec())])).unwrap();
    let err = archive::analyze_archive(&path, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("neither `manifest.json`"), "{err}");
    fs::write(&path, gzip(&docker_save(true))).unwrap();
    let err = archive::analyze_archive(&path, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("gzip-compressed; decompress it first"),
        "{err}"
    );
    let run = dlint(&["image", "--archive", "/nonexistent/image.tar"]);
    assert_eq!(run.code, 2, "{run:?}");
}

/// A saved image made by a real tool: umoci (Debian package, installed by the test script)
/// builds an OCI layout in two layers — the second overwrites one file, deletes another
/// (a whiteout) and adds a third — and `dlint image --oci-layout` reports exactly that.
#[test]
fn oci_layout_built_by_umoci() {
    assert!(
        Path::new("/usr/bin/umoci").exists(),
        "umoci is missing: run the test command (bash scripts/test.sh), which installs it"
    );
    let dir = tempfile::tempdir().unwrap();
    let umoci = |args: &[&str]| {
        let out = Command::new("umoci")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "umoci {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    umoci(&["init", "--layout", "L"]);
    umoci(&["new", "--image", "L:t"]);
    umoci(&["unpack", "--rootless", "--image", "L:t", "b"]);
    let app = dir.path().join("b/rootfs/app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("a.txt"), "hello\n").unwrap();
    std::fs::write(app.join("big.bin"), vec![0u8; 10_000]).unwrap();
    umoci(&["repack", "--image", "L:t", "b"]);
    std::fs::remove_dir_all(dir.path().join("b")).unwrap();
    umoci(&["unpack", "--rootless", "--image", "L:t", "b"]);
    std::fs::remove_file(app.join("big.bin")).unwrap();
    std::fs::write(app.join("a.txt"), "changed!\n").unwrap();
    std::fs::write(app.join("new.txt"), "x").unwrap();
    umoci(&["repack", "--image", "L:t", "b"]);

    let run = dlint_in(
        dir.path(),
        &["image", "--oci-layout", "L", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let layers = v["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    let counts = |l: &serde_json::Value| {
        (
            l["added"].clone(),
            l["changed"].clone(),
            l["deleted"].clone(),
        )
    };
    assert_eq!(counts(&layers[1]), (1.into(), 1.into(), 1.into()));
    assert_eq!(layers[0]["hidden_bytes"], 10_006);
    assert_eq!(
        v["wasted_bytes"], 10_006,
        "big.bin deleted, a.txt overwritten"
    );
}
