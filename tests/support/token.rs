//! A throw-away token issuer that `docker-registry`'s `auth.token` trusts, as in
//! shared/base-images/REGISTRY.md §10.3: an RSA key and self-signed certificate made with the
//! `openssl` CLI, RS256 JWTs whose header carries the certificate in `x5c`, and a `/token`
//! endpoint that grants whatever scope is asked. Loopback test use only.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use tempfile::TempDir;

use super::fake::{FakeServer, Reply, Request};
use super::registry::{Auth, require_program};

pub const SERVICE: &str = "dlint-test-registry";
pub const ISSUER: &str = "dlint-test-issuer";
const OPENSSL: &str = "/usr/bin/openssl";

pub struct TokenIssuer {
    pub server: FakeServer,
    cert: PathBuf,
    _dir: TempDir,
}

impl TokenIssuer {
    /// Starts an issuer whose answers say `expires_in` (the JWTs themselves live 5 minutes).
    pub fn start(expires_in: u64) -> Self {
        require_program(OPENSSL, "openssl");
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("token.key");
        let cert = dir.path().join("token.crt");
        let status = Command::new(OPENSSL)
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .args(["-days", "3650", "-subj", "/CN=dlint-test-token-issuer"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run openssl req");
        assert!(status.success(), "openssl could not make the token key");
        let der = Command::new(OPENSSL)
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&cert)
            .output()
            .expect("run openssl x509");
        assert!(der.status.success());
        let x5c = STANDARD.encode(&der.stdout);
        let server = FakeServer::start("127.0.0.1", move |req: &Request| {
            if req.route() != "/token" {
                return Reply::new(404);
            }
            let service = req.query("service").pop().unwrap_or_default();
            let token = mint(&key, &x5c, &service, &req.query("scope"));
            let body = serde_json::json!({
                "token": token,
                "access_token": token,
                "expires_in": expires_in,
                "issued_at": "2026-01-01T00:00:00Z",
            });
            Reply::ok("application/json", body.to_string().as_bytes())
        });
        Self {
            server,
            cert,
            _dir: dir,
        }
    }

    pub fn realm(&self) -> String {
        format!("{}/token", self.server.url())
    }

    /// The registry configuration that trusts this issuer.
    pub fn registry_auth(&self) -> Auth {
        Auth::Token {
            realm: self.realm(),
            service: SERVICE.to_owned(),
            issuer: ISSUER.to_owned(),
            cert: self.cert.clone(),
        }
    }

    /// Token requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }
}

/// An RS256 JWT granting `scopes` (`repository:name:pull,push`).
fn mint(key: &std::path::Path, x5c: &str, service: &str, scopes: &[String]) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let access: Vec<_> = scopes
        .iter()
        .filter_map(|s| {
            let (typ, rest) = s.split_once(':')?;
            let (name, actions) = rest.rsplit_once(':')?;
            Some(serde_json::json!({
                "type": typ,
                "name": name,
                "actions": actions.split(',').collect::<Vec<_>>(),
            }))
        })
        .collect();
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "x5c": [x5c]});
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": "anonymous", "aud": service,
        "exp": now + 300, "nbf": now - 10, "iat": now,
        "jti": format!("{now}-{}", scopes.join(" ")), "access": access,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut child = Command::new(OPENSSL)
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run openssl dgst");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), signing_input.as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl could not sign the token");
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(out.stdout))
}
