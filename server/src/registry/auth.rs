//! Registry authentication: `WWW-Authenticate` challenges, credentials from the Docker CLI
//! config, and bearer tokens with their lifetime.
//!
//! Secrets never reach a log or an error message: [`Credential`] and [`BearerToken`] print
//! as `<redacted>` in `Debug`, and errors name hosts and helpers, never values.
//! References: RFC 7235 §2.1 and §4.1 (challenge grammar), RFC 9110 §5.6.4 (quoted-string),
//! distribution `docs/content/spec/auth/token.md` (token flow, `expires_in` default 60 s),
//! docker/cli `docs/reference/commandline/login.md` (credsStore, credHelpers, auths).

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use thiserror::Error;

use super::reference::DOCKER_HUB;

/// The key Docker uses for Docker Hub in `auths` and for credential helpers.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";
/// Token lifetime when the token server does not say (token.md).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// Stop using a token this long before it expires, at most half its lifetime.
const TOKEN_EXPIRY_SKEW: Duration = Duration::from_secs(10);

/// One parsed challenge of a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Lowercased scheme: `basic`, `bearer`, ….
    pub scheme: String,
    /// Auth-params with lowercased names and unquoted values.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of a parameter (names are case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_bearer(&self) -> bool {
        self.scheme == "bearer"
    }

    pub fn is_basic(&self) -> bool {
        self.scheme == "basic"
    }
}

/// Parses a `WWW-Authenticate` value into its challenges (RFC 7235 §4.1):
/// `Bearer realm="https://auth",service="reg",scope="repository:a/b:pull,push"`.
/// Quoted values may hold commas and backslash-escaped quotes; several challenges may share
/// one header. Malformed trailing input is ignored rather than failing the whole header.
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    let mut p = Parser {
        s: header.as_bytes(),
        i: 0,
    };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        p.skip_ws_and_commas();
        let Some(scheme) = p.token() else { break };
        let mut challenge = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: Vec::new(),
        };
        loop {
            p.skip_ws();
            let save = p.i;
            // A param is `name = value`; a bare token followed by no `=` starts a new
            // challenge, and a token68 (`Basic dXNlcg==`) is kept as an unnamed param.
            let Some(name) = p.token() else {
                if let Some(t68) = p.token68() {
                    challenge.params.push((String::new(), t68));
                }
                break;
            };
            p.skip_ws();
            if p.peek() != Some(b'=') {
                p.i = save;
                if challenge.params.is_empty()
                    && let Some(t68) = p.token68()
                {
                    p.skip_ws();
                    if matches!(p.peek(), None | Some(b',')) {
                        challenge.params.push((String::new(), t68));
                        continue;
                    }
                    p.i = save;
                }
                break;
            }
            p.i += 1;
            p.skip_ws();
            let value = if p.peek() == Some(b'"') {
                p.quoted()
            } else {
                p.token().map(str::to_owned)
            };
            let Some(value) = value else {
                // `abc123==` is a token68, not `abc123=` + a missing value.
                p.i = save;
                if challenge.params.is_empty()
                    && let Some(t68) = p.token68()
                {
                    challenge.params.push((String::new(), t68));
                    p.skip_ws_and_commas();
                }
                break;
            };
            challenge.params.push((name.to_ascii_lowercase(), value));
            p.skip_ws();
            match p.peek() {
                Some(b',') => {
                    p.i += 1;
                    p.skip_ws_and_commas();
                }
                _ => break,
            }
        }
        out.push(challenge);
        if p.i >= p.s.len() {
            break;
        }
    }
    out
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_ws_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }

    /// RFC 9110 `token`: one or more tchar.
    fn token(&mut self) -> Option<&'a str> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            self.i += 1;
        }
        (self.i > start)
            .then(|| std::str::from_utf8(&self.s[start..self.i]).ok())
            .flatten()
    }

    /// RFC 7235 `token68`.
    fn token68(&mut self) -> Option<String> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
        {
            self.i += 1;
        }
        while self.peek() == Some(b'=') {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    /// RFC 9110 `quoted-string`, with `\x` quoted-pairs unescaped. An unterminated string
    /// runs to the end of the header.
    fn quoted(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    if let Some(next) = self.peek() {
                        out.push(next);
                        self.i += 1;
                    }
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).ok()
    }
}

/// Credentials for one registry. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// Username and password (or personal access token).
    Basic { username: String, password: String },
    /// An identity (refresh) token from `docker login` with an OAuth2 flow; exchanged at the
    /// token realm for an access token.
    IdentityToken(String),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Self::IdentityToken(_) => f.debug_tuple("IdentityToken").field(&"<redacted>").finish(),
        }
    }
}

impl Credential {
    /// The `Authorization: Basic …` value, for Basic credentials.
    pub fn basic_header(&self) -> Option<String> {
        match self {
            Self::Basic { username, password } => Some(format!(
                "Basic {}",
                BASE64.encode(format!("{username}:{password}"))
            )),
            Self::IdentityToken(_) => None,
        }
    }
}

/// A bearer token and when to stop using it. `Debug` never shows the token.
#[derive(Clone)]
pub struct BearerToken {
    token: String,
    expires: Instant,
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerToken")
            .field("token", &"<redacted>")
            .field("expires", &self.expires)
            .finish()
    }
}

impl BearerToken {
    /// The `Authorization: Bearer …` value.
    pub fn header(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn is_fresh(&self, now: Instant) -> bool {
        now < self.expires
    }
}

/// A token server's JSON answer (token.md §Token Response Fields).
#[derive(Deserialize)]
struct TokenResponse {
    token: Option<String>,
    access_token: Option<String>,
    expires_in: Option<u64>,
}

/// Parses a token response received at `now`; `token` or `access_token`, whichever is
/// present, lives `expires_in` seconds (60 when absent) minus a safety margin.
pub fn parse_token_response(body: &[u8], now: Instant) -> Result<BearerToken, AuthError> {
    let r: TokenResponse =
        serde_json::from_slice(body).map_err(|e| AuthError::BadTokenResponse(e.to_string()))?;
    let token = r
        .token
        .filter(|t| !t.is_empty())
        .or(r.access_token.filter(|t| !t.is_empty()))
        .ok_or_else(|| AuthError::BadTokenResponse("no `token` or `access_token`".into()))?;
    let lifetime = r
        .expires_in
        .filter(|&s| s > 0)
        .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
    let skew = TOKEN_EXPIRY_SKEW.min(lifetime / 2);
    Ok(BearerToken {
        token,
        expires: now + lifetime.saturating_sub(skew),
    })
}

/// Bearer tokens per (registry, scope), reused until they expire.
#[derive(Debug, Default)]
pub struct TokenCache {
    tokens: Mutex<HashMap<(String, String), BearerToken>>,
}

impl TokenCache {
    pub fn get(&self, registry: &str, scope: &str) -> Option<BearerToken> {
        let now = Instant::now();
        let tokens = self.tokens.lock().ok()?;
        tokens
            .get(&(registry.to_owned(), scope.to_owned()))
            .filter(|t| t.is_fresh(now))
            .cloned()
    }

    pub fn put(&self, registry: &str, scope: &str, token: BearerToken) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.retain(|_, t| t.is_fresh(Instant::now()));
            tokens.insert((registry.to_owned(), scope.to_owned()), token);
        }
    }

    pub fn remove(&self, registry: &str, scope: &str) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(&(registry.to_owned(), scope.to_owned()));
        }
    }
}

/// Failures while finding credentials or tokens. Messages never contain secrets.
#[derive(Debug, Error)]
pub enum AuthError {
    #[error("cannot read Docker config {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("credential helper `docker-credential-{helper}` failed for {server}: {message}")]
    Helper {
        helper: String,
        server: String,
        message: String,
    },
    #[error("malformed `auth` entry for {0} in the Docker config")]
    BadAuthEntry(String),
    #[error("malformed token response: {0}")]
    BadTokenResponse(String),
}

/// The parts of `~/.docker/config.json` that hold credentials.
#[derive(Debug, Default, Deserialize)]
pub struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    /// Directory searched for `docker-credential-*` before `PATH` (tests, custom installs).
    #[serde(skip)]
    helper_dir: Option<PathBuf>,
}

#[derive(Default, Deserialize)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
}

impl fmt::Debug for AuthEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthEntry(<redacted>)")
    }
}

/// Output of `docker-credential-<name> get`.
#[derive(Deserialize)]
struct HelperOutput {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
pub fn default_docker_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|h| PathBuf::from(h).join(".docker").join("config.json"))
}

impl DockerConfig {
    /// Reads a Docker CLI config; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self, AuthError> {
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(AuthError::Config {
                    path: path.to_owned(),
                    message: e.to_string(),
                });
            }
        };
        serde_json::from_slice(&text).map_err(|e| AuthError::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Looks for credential helpers in `dir` before `PATH`.
    #[must_use]
    pub fn with_helper_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.helper_dir = dir;
        self
    }

    /// Credentials for `registry` (`host[:port]` as in references; `docker.io` for Hub):
    /// `credHelpers[host]`, else `credsStore`, else `auths[host]`, else none. Runs a
    /// credential helper process when one applies (blocking).
    pub fn lookup(&self, registry: &str) -> Result<Option<Credential>, AuthError> {
        let server = if registry == DOCKER_HUB {
            DOCKER_HUB_SERVER
        } else {
            registry
        };
        let helper = self
            .cred_helpers
            .iter()
            .find(|(k, _)| same_registry(k, registry))
            .map(|(_, v)| v)
            .or(self.creds_store.as_ref())
            .filter(|h| !h.is_empty());
        if let Some(helper) = helper {
            let found = run_helper(self.helper_dir.as_deref(), helper, server)?;
            if found.is_some() || self.cred_helpers.keys().any(|k| same_registry(k, registry)) {
                return Ok(found);
            }
        }
        let Some((key, entry)) = self.auths.iter().find(|(k, _)| same_registry(k, registry)) else {
            return Ok(None);
        };
        if let Some(token) = entry.identitytoken.as_ref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken(token.clone())));
        }
        if let Some(auth) = entry.auth.as_ref().filter(|a| !a.is_empty()) {
            let decoded = BASE64
                .decode(auth.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| AuthError::BadAuthEntry(key.clone()))?;
            let (username, password) = decoded
                .split_once(':')
                .ok_or_else(|| AuthError::BadAuthEntry(key.clone()))?;
            return Ok(Some(Credential::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            }));
        }
        match (&entry.username, &entry.password) {
            (Some(u), Some(p)) => Ok(Some(Credential::Basic {
                username: u.clone(),
                password: p.clone(),
            })),
            _ => Ok(None),
        }
    }
}

/// Normalises a config key or registry name to `host[:port]`: drops a scheme and any path,
/// and maps Docker Hub's spellings to `docker.io`.
fn registry_key(s: &str) -> String {
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let host = s.split('/').next().unwrap_or(s).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DOCKER_HUB.to_owned()
        }
        _ => host,
    }
}

fn same_registry(key: &str, registry: &str) -> bool {
    registry_key(key) == registry_key(registry)
}

/// Runs `docker-credential-<helper> get` with the server URL on stdin. A helper that exits
/// non-zero (e.g. "credentials not found") or is not installed yields no credential.
fn run_helper(
    dir: Option<&Path>,
    helper: &str,
    server: &str,
) -> Result<Option<Credential>, AuthError> {
    let fail = |message: String| AuthError::Helper {
        helper: helper.to_owned(),
        server: server.to_owned(),
        message,
    };
    if !helper
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(fail("invalid helper name".into()));
    }
    let name = format!("docker-credential-{helper}");
    let program = dir
        .map(|d| d.join(&name))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(&name));
    let mut child = match Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(e.to_string())),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .map_err(|e| fail(e.to_string()))?;
    }
    let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        return Ok(None);
    }
    // The helper's stdout holds the secret: report only that it was malformed.
    let parsed: HelperOutput =
        serde_json::from_slice(&out.stdout).map_err(|_| fail("malformed JSON output".into()))?;
    if parsed.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(if parsed.username == "<token>" {
        Credential::IdentityToken(parsed.secret)
    } else {
        Credential::Basic {
            username: parsed.username,
            password: parsed.secret,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenge_with_commas_in_quotes() {
        let c = parse_challenges(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
        );
        assert_eq!(c.len(), 1);
        assert!(c[0].is_bearer());
        assert_eq!(c[0].param("realm"), Some("https://auth.docker.io/token"));
        assert_eq!(c[0].param("service"), Some("registry.docker.io"));
        assert_eq!(
            c[0].param("scope"),
            Some("repository:samalba/my-app:pull,push")
        );
    }

    #[test]
    fn escaped_quotes_spaces_and_several_challenges() {
        let c = parse_challenges(
            r#"Basic realm="say \"hi\", friend" , Bearer Realm = "r,1", error=insufficient_scope,scope="a:b:pull""#,
        );
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c[0].is_basic());
        assert_eq!(c[0].param("realm"), Some(r#"say "hi", friend"#));
        assert!(c[1].is_bearer());
        assert_eq!(c[1].param("realm"), Some("r,1"));
        assert_eq!(c[1].param("error"), Some("insufficient_scope"));
        assert_eq!(c[1].param("scope"), Some("a:b:pull"));
    }

    #[test]
    fn token68_and_garbage() {
        let c = parse_challenges("Negotiate abc123==, Basic realm=x");
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].params[0].1, "abc123==");
        assert_eq!(c[1].param("realm"), Some("x"));
        assert!(parse_challenges("").is_empty());
        let c = parse_challenges(r#"Bearer realm="unterminated"#);
        assert_eq!(c[0].param("realm"), Some("unterminated"));
    }

    #[test]
    fn credentials_are_redacted() {
        let c = Credential::Basic {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        let t = Credential::IdentityToken("secret-token".into());
        assert!(!format!("{t:?}").contains("secret-token"));
        let b = parse_token_response(br#"{"token":"jwt-secret"}"#, Instant::now()).unwrap();
        assert!(!format!("{b:?}").contains("jwt-secret"));
    }

    #[test]
    fn token_lifetime_defaults_to_sixty_seconds() {
        let now = Instant::now();
        let t = parse_token_response(br#"{"access_token":"x"}"#, now).unwrap();
        assert!(t.is_fresh(now + Duration::from_secs(49)));
        assert!(!t.is_fresh(now + Duration::from_secs(51)));
        let t = parse_token_response(br#"{"token":"x","expires_in":2}"#, now).unwrap();
        assert!(!t.is_fresh(now + Duration::from_secs(1)));
        assert!(parse_token_response(br#"{"expires_in":2}"#, now).is_err());
    }

    #[test]
    fn docker_config_auths() {
        let cfg: DockerConfig = serde_json::from_str(&format!(
            r#"{{"auths":{{"https://index.docker.io/v1/":{{"auth":"{}"}},
                 "http://127.0.0.1:5000":{{"auth":"{}"}},
                 "ghcr.io":{{"identitytoken":"idt"}}}}}}"#,
            BASE64.encode("hub:pw"),
            BASE64.encode("me:pa:ss")
        ))
        .unwrap();
        assert_eq!(
            cfg.lookup("docker.io").unwrap(),
            Some(Credential::Basic {
                username: "hub".into(),
                password: "pw".into()
            })
        );
        assert_eq!(
            cfg.lookup("127.0.0.1:5000").unwrap(),
            Some(Credential::Basic {
                username: "me".into(),
                password: "pa:ss".into()
            })
        );
        assert_eq!(
            cfg.lookup("ghcr.io").unwrap(),
            Some(Credential::IdentityToken("idt".into()))
        );
        assert_eq!(cfg.lookup("quay.io").unwrap(), None);
    }
}
