//! Images built in memory — layers as real tar.gz bytes (`tar` + `flate2`), configs and
//! manifests as JSON — and pushed through the registry's own API: blobs by POST + PUT
//! monolithic upload, then manifests by PUT (distribution-spec *Push*).

use std::io::Write as _;

use dlint::registry::auth::parse_challenges;
use dlint::registry::digest::Digest;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

/// Media types of one manifest flavour.
pub struct Format {
    pub index: &'static str,
    pub manifest: &'static str,
    pub config: &'static str,
    pub layer: &'static str,
}

pub const OCI: Format = Format {
    index: "application/vnd.oci.image.index.v1+json",
    manifest: "application/vnd.oci.image.manifest.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};

pub const DOCKER: Format = Format {
    index: "application/vnd.docker.distribution.manifest.list.v2+json",
    manifest: "application/vnd.docker.distribution.manifest.v2+json",
    config: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
};

pub fn sha256(bytes: &[u8]) -> String {
    Digest::of(bytes).to_string()
}

/// A compressed layer with its digests.
#[derive(Clone)]
pub struct Layer {
    pub blob: Vec<u8>,
    pub digest: String,
    pub diff_id: String,
}

/// A layer holding `files` (path, contents).
pub fn layer(files: &[(&str, &[u8])]) -> Layer {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        tar.append_data(&mut header, path, *data).unwrap();
    }
    let raw = tar.into_inner().unwrap();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&raw).unwrap();
    let blob = gz.finish().unwrap();
    Layer {
        digest: sha256(&blob),
        diff_id: sha256(&raw),
        blob,
    }
}

/// One single-platform image.
#[derive(Clone)]
pub struct Image {
    pub config: Vec<u8>,
    pub config_digest: String,
    pub layers: Vec<Layer>,
    pub manifest: Vec<u8>,
    pub digest: String,
    pub media_type: &'static str,
}

impl Image {
    pub fn layer_sizes(&self) -> Vec<u64> {
        self.layers.iter().map(|l| l.blob.len() as u64).collect()
    }
}

/// An image for `os/arch[/variant]` whose config history is `history` (created_by,
/// empty_layer).
pub fn image(
    format: &Format,
    platform: (&str, &str, Option<&str>),
    layers: Vec<Layer>,
    history: &[(&str, bool)],
) -> Image {
    let (os, arch, variant) = platform;
    let mut config = json!({
        "architecture": arch,
        "os": os,
        "created": "2026-11-23T10:00:00Z",
        "config": {"Cmd": ["/hello.txt"]},
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>()},
        "history": history.iter().map(|(by, empty)| {
            let mut h = json!({"created": "2026-11-23T10:00:00Z", "created_by": by});
            if *empty { h["empty_layer"] = json!(true); }
            h
        }).collect::<Vec<_>>(),
    });
    if let Some(v) = variant {
        config["variant"] = json!(v);
    }
    let config = serde_json::to_vec(&config).unwrap();
    let layer_descs: Vec<Value> = layers
        .iter()
        .map(|l| json!({"mediaType": format.layer, "digest": l.digest, "size": l.blob.len()}))
        .collect();
    manifest_for(format.manifest, format.config, config, layers, &layer_descs)
}

fn manifest_for(
    media_type: &'static str,
    config_type: &str,
    config: Vec<u8>,
    layers: Vec<Layer>,
    layer_descs: &[Value],
) -> Image {
    let config_digest = sha256(&config);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": {"mediaType": config_type, "digest": config_digest, "size": config.len()},
        "layers": layer_descs,
    });
    // Pretty-printed on purpose: digests must be of the exact bytes, not a re-serialisation.
    let manifest = serde_json::to_vec_pretty(&manifest).unwrap();
    Image {
        digest: sha256(&manifest),
        config,
        config_digest,
        layers,
        manifest,
        media_type,
    }
}

/// A BuildKit-style attestation manifest for `subject` (in-toto layer, empty config).
pub fn attestation(subject: &Image) -> Image {
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","subject":[{{"digest":{{"sha256":"{}"}}}}]}}"#,
        &subject.digest[7..]
    )
    .into_bytes();
    let layer = Layer {
        digest: sha256(&statement),
        diff_id: sha256(&statement),
        blob: statement,
    };
    let desc = json!({"mediaType": "application/vnd.in-toto+json", "digest": layer.digest, "size": layer.blob.len()});
    manifest_for(
        OCI.manifest,
        OCI.config,
        b"{}".to_vec(),
        vec![layer],
        &[desc],
    )
}

/// Index entry: an image and its `platform` JSON (`None` for no platform), plus
/// annotations.
pub struct Entry<'a> {
    pub image: &'a Image,
    pub platform: Value,
    pub annotations: Option<Value>,
}

/// Index bytes and digest.
pub fn index(format: &Format, entries: &[Entry<'_>]) -> (Vec<u8>, String) {
    let manifests: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut d = json!({
                "mediaType": e.image.media_type,
                "digest": e.image.digest,
                "size": e.image.manifest.len(),
                "platform": e.platform,
            });
            if let Some(a) = &e.annotations {
                d["annotations"] = a.clone();
            }
            d
        })
        .collect();
    let body = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": format.index,
        "manifests": manifests,
    }))
    .unwrap();
    let digest = sha256(&body);
    (body, digest)
}

/// Credentials the pusher answers a Basic challenge with.
#[derive(Clone)]
pub enum PushAuth {
    Anonymous,
    Basic { user: String, password: String },
}

/// Pushes through the registry API, answering Basic and bearer challenges.
pub struct Pusher {
    http: reqwest::Client,
    base: String,
    auth: PushAuth,
    bearer: Option<String>,
}

impl Pusher {
    pub fn new(base: &str, auth: PushAuth) -> Self {
        Self {
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            base: base.trim_end_matches('/').to_owned(),
            auth,
            bearer: None,
        }
    }

    /// Config, layers, then the manifest under its digest and, if given, `tag`.
    pub async fn push_image(&mut self, repo: &str, tag: Option<&str>, image: &Image) {
        self.blob(repo, &image.config).await;
        for l in &image.layers {
            self.blob(repo, &l.blob).await;
        }
        self.manifest(repo, &image.digest, image.media_type, &image.manifest)
            .await;
        if let Some(tag) = tag {
            self.manifest(repo, tag, image.media_type, &image.manifest)
                .await;
        }
    }

    pub async fn blob(&mut self, repo: &str, bytes: &[u8]) {
        let url = format!("{}/v2/{repo}/blobs/uploads/", self.base);
        let resp = self
            .send(reqwest::Method::POST, &url, None, Vec::new())
            .await;
        assert_eq!(
            resp.status().as_u16(),
            202,
            "start upload: {}",
            resp.text().await.unwrap()
        );
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let mut put = url::Url::parse(&self.base)
            .unwrap()
            .join(&location)
            .unwrap();
        put.query_pairs_mut().append_pair("digest", &sha256(bytes));
        let resp = self
            .send(
                reqwest::Method::PUT,
                put.as_str(),
                Some("application/octet-stream"),
                bytes.to_vec(),
            )
            .await;
        assert_eq!(
            resp.status().as_u16(),
            201,
            "upload: {}",
            resp.text().await.unwrap()
        );
    }

    pub async fn manifest(&mut self, repo: &str, reference: &str, media_type: &str, bytes: &[u8]) {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base);
        let resp = self
            .send(reqwest::Method::PUT, &url, Some(media_type), bytes.to_vec())
            .await;
        assert_eq!(
            resp.status().as_u16(),
            201,
            "put manifest {repo}:{reference}: {}",
            resp.text().await.unwrap()
        );
    }

    async fn send(
        &mut self,
        method: reqwest::Method,
        url: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> reqwest::Response {
        for _ in 0..3 {
            let mut req = self.http.request(method.clone(), url).body(body.clone());
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            if let Some(token) = &self.bearer {
                req = req.bearer_auth(token);
            } else if let PushAuth::Basic { user, password } = &self.auth {
                req = req.basic_auth(user, Some(password));
            }
            let resp = req.send().await.unwrap();
            if resp.status().as_u16() != 401 {
                return resp;
            }
            let challenge = resp.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .to_owned();
            let challenge = parse_challenges(&challenge).remove(0);
            assert!(
                challenge.is_bearer(),
                "unexpected challenge for a push: {challenge:?}"
            );
            let mut token_url = url::Url::parse(challenge.param("realm").unwrap()).unwrap();
            token_url
                .query_pairs_mut()
                .append_pair("service", challenge.param("service").unwrap_or_default())
                .append_pair("scope", challenge.param("scope").unwrap_or_default());
            let tok = self.http.get(token_url).send().await.unwrap();
            let tok: Value = serde_json::from_slice(&tok.bytes().await.unwrap()).unwrap();
            self.bearer = Some(tok["token"].as_str().unwrap().to_owned());
        }
        panic!("push to {url} still unauthorized");
    }
}
