//! The HTTP side of the registry client: requests with timeouts, bounded concurrency,
//! retries with backoff, manual redirects, and the Basic / bearer-token handshake.
//!
//! Invariants:
//! - `Authorization` goes only to the origin that asked for it. Redirects are followed by
//!   hand (reqwest's policy is `none`) and the header is dropped for good as soon as a hop
//!   leaves the origin, e.g. a blob GET redirected to object storage.
//! - Plain HTTP is used only for loopback hosts and registries the user marked insecure,
//!   including on redirects and token realms; everything else is HTTPS (rustls).
//! - Retries happen on 429 and 5xx (honouring `Retry-After`, capped) and on failed
//!   connections, never on timeouts: a hover would rather fail fast.
//! - Every request sent (retries, redirect hops and token requests included) is counted in
//!   [`RequestStats`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use tokio::sync::Semaphore;
use url::Url;

use super::auth::{
    BearerToken, Credential, DockerConfig, TokenCache, default_docker_config_path,
    parse_challenges, parse_token_response,
};
use super::config::{RegistryConfig, is_loopback};
use super::error::{RegistryError, redact_url};

/// Redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 5;
/// Longest exponential backoff between two retries.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Counters of HTTP traffic, for tests, benchmarks and logs.
#[derive(Debug, Default)]
pub struct RequestStats {
    requests: AtomicU64,
    retries: AtomicU64,
    token_requests: AtomicU64,
    redirects: AtomicU64,
}

/// A copy of [`RequestStats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Every HTTP request sent, whatever its purpose or outcome.
    pub requests: u64,
    /// Requests sent again after a 429, 5xx or failed connection.
    pub retries: u64,
    /// Requests to a token realm.
    pub token_requests: u64,
    /// Redirect hops followed.
    pub redirects: u64,
}

impl RequestStats {
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            token_requests: self.token_requests.load(Ordering::Relaxed),
            redirects: self.redirects.load(Ordering::Relaxed),
        }
    }
}

/// One place to ask for a repository: a mirror or the registry itself.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// API base URL, ending in `/`.
    pub base: Url,
    /// `host[:port]` whose credentials and tokens apply (`docker.io` for Docker Hub).
    pub host: String,
    pub is_mirror: bool,
}

/// A response read to the end.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The final URL, query removed.
    pub url: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `Retry-After` as a delay: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
    pub fn retry_after(&self) -> Option<Duration> {
        let v = self.header("retry-after")?.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let at = httpdate::parse_http_date(v).ok()?;
        Some(at.duration_since(SystemTime::now()).unwrap_or_default())
    }
}

/// How a registry asked to be authenticated, remembered to authenticate up front next time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Basic,
    Bearer,
}

/// HTTP client shared by every lookup of one [`super::fetch::Registry`].
#[derive(Debug)]
pub(crate) struct Client {
    pub config: RegistryConfig,
    /// Honours proxy environment variables; used for remote hosts.
    proxied: reqwest::Client,
    /// Never uses a proxy; used for loopback hosts.
    direct: reqwest::Client,
    permits: Semaphore,
    tokens: TokenCache,
    schemes: Mutex<HashMap<String, Scheme>>,
    /// Credential lookups per host (helpers are processes: run each once).
    credentials: Mutex<HashMap<String, Option<Credential>>>,
    pub stats: RequestStats,
}

impl Client {
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let build = |proxy: bool| {
            let mut b = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(config.connect_timeout)
                .timeout(config.request_timeout)
                .user_agent(concat!("dlint/", env!("CARGO_PKG_VERSION")))
                .https_only(false);
            if !proxy {
                b = b.no_proxy();
            }
            b.build().map_err(|e| RegistryError::Setup(e.to_string()))
        };
        Ok(Self {
            proxied: build(true)?,
            direct: build(false)?,
            permits: Semaphore::new(config.max_concurrency.max(1)),
            tokens: TokenCache::default(),
            schemes: Mutex::new(HashMap::new()),
            credentials: Mutex::new(HashMap::new()),
            stats: RequestStats::default(),
            config,
        })
    }

    /// Mirrors first (for the registries they are configured for), then the registry.
    /// A misconfigured mirror becomes an error entry so the next endpoint is still tried.
    pub fn endpoints(&self, registry: &str) -> Vec<Result<Endpoint, RegistryError>> {
        let mut out = Vec::new();
        for mirror in self.config.mirrors.get(registry).into_iter().flatten() {
            out.push(self.endpoint_from(mirror, None, true));
        }
        out.push(self.endpoint_from(&self.config.endpoint(registry), Some(registry), false));
        out
    }

    fn endpoint_from(
        &self,
        base: &str,
        registry: Option<&str>,
        is_mirror: bool,
    ) -> Result<Endpoint, RegistryError> {
        let with_slash = if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        };
        let base = Url::parse(&with_slash).map_err(|e| {
            RegistryError::Setup(format!(
                "invalid registry URL `{}`: {e}",
                redact_url(&with_slash)
            ))
        })?;
        self.check_scheme(&base)?;
        let host = match registry {
            Some(r) => r.to_owned(),
            None => host_port(&base),
        };
        Ok(Endpoint {
            base,
            host,
            is_mirror,
        })
    }

    /// HTTPS, or HTTP to a host that may have it.
    fn check_scheme(&self, url: &Url) -> Result<(), RegistryError> {
        match url.scheme() {
            "https" => Ok(()),
            "http" if self.config.allows_plain_http(&host_port(url)) => Ok(()),
            _ => Err(RegistryError::Insecure {
                url: redact_url(url.as_str()),
            }),
        }
    }

    /// A request to the registry API (`path` relative to the endpoint, e.g.
    /// `v2/library/python/manifests/3.12`), authenticating as the registry asks:
    /// up front when the scheme is known, else after the first 401. At most two auth rounds
    /// (the second for `insufficient_scope`).
    pub async fn registry_request(
        &self,
        ep: &Endpoint,
        repository: &str,
        path: &str,
        method: Method,
        accept: Option<&str>,
    ) -> Result<Response, RegistryError> {
        let url = ep
            .base
            .join(path)
            .map_err(|e| RegistryError::Setup(e.to_string()))?;
        let default_scope = format!("repository:{repository}:pull");
        let mut headers = Vec::new();
        if let Some(a) = accept {
            headers.push((header::ACCEPT, a.to_owned()));
        }
        let mut auth = self.upfront_auth(&ep.host, &default_scope).await?;
        let mut rounds = 0;
        loop {
            let resp = self
                .send(method.clone(), &url, &headers, auth.clone(), None)
                .await?;
            if resp.status != StatusCode::UNAUTHORIZED {
                return Ok(resp);
            }
            let challenges: Vec<_> = resp
                .headers
                .get_all(header::WWW_AUTHENTICATE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(parse_challenges)
                .collect();
            let unauthorized = |detail: &str| RegistryError::Unauthorized {
                registry: ep.host.clone(),
                detail: detail.to_owned(),
            };
            if rounds == 2 {
                return Err(unauthorized("the registry refused the token"));
            }
            rounds += 1;
            if let Some(bearer) = challenges.iter().find(|c| c.is_bearer()) {
                let realm = bearer
                    .param("realm")
                    .ok_or_else(|| unauthorized("bearer challenge without realm"))?;
                let scope = bearer.param("scope").unwrap_or(&default_scope).to_owned();
                let insufficient = bearer.param("error") == Some("insufficient_scope");
                if auth.is_some() && rounds == 2 && !insufficient {
                    return Err(unauthorized("the registry refused the token"));
                }
                self.remember(&ep.host, Scheme::Bearer);
                self.tokens.remove(&ep.host, &scope);
                let token = self
                    .fetch_token(&ep.host, realm, bearer.param("service"), &scope)
                    .await?;
                self.tokens.put(&ep.host, &scope, token.clone());
                if scope != default_scope && !insufficient {
                    self.tokens.put(&ep.host, &default_scope, token.clone());
                }
                auth = Some(token.header());
            } else if challenges.iter().any(super::auth::Challenge::is_basic) {
                if auth.is_some() {
                    return Err(unauthorized("the registry refused the stored credentials"));
                }
                self.remember(&ep.host, Scheme::Basic);
                let header = self
                    .credential(&ep.host)
                    .await?
                    .and_then(|c| c.basic_header())
                    .ok_or_else(|| unauthorized("no credentials (run `docker login`)"))?;
                auth = Some(header);
            } else {
                return Err(unauthorized("no supported authentication challenge"));
            }
        }
    }

    fn remember(&self, host: &str, scheme: Scheme) {
        if let Ok(mut s) = self.schemes.lock() {
            s.insert(host.to_owned(), scheme);
        }
    }

    /// The `Authorization` to send before being asked: Basic credentials for a Basic
    /// registry, a cached unexpired token for a bearer one.
    async fn upfront_auth(&self, host: &str, scope: &str) -> Result<Option<String>, RegistryError> {
        let scheme = self.schemes.lock().ok().and_then(|s| s.get(host).copied());
        Ok(match scheme {
            Some(Scheme::Basic) => self.credential(host).await?.and_then(|c| c.basic_header()),
            Some(Scheme::Bearer) => self.tokens.get(host, scope).map(|t| t.header()),
            None => None,
        })
    }

    /// Credentials for `host` from the Docker config, looked up once per client.
    async fn credential(&self, host: &str) -> Result<Option<Credential>, RegistryError> {
        if let Some(c) = self
            .credentials
            .lock()
            .ok()
            .and_then(|m| m.get(host).cloned())
        {
            return Ok(c);
        }
        let path = self
            .config
            .docker_config
            .clone()
            .or_else(default_docker_config_path);
        let helper_dir = self.config.credential_helper_dir.clone();
        let owned_host = host.to_owned();
        // Credential helpers are processes that may take a while: keep them off the
        // async workers.
        let found = tokio::task::spawn_blocking(move || match path {
            Some(p) => DockerConfig::load(&p)?
                .with_helper_dir(helper_dir)
                .lookup(&owned_host),
            None => Ok(None),
        })
        .await
        .map_err(|e| RegistryError::Setup(e.to_string()))??;
        if let Ok(mut m) = self.credentials.lock() {
            m.insert(host.to_owned(), found.clone());
        }
        Ok(found)
    }

    /// Asks the token realm for a token (token.md; oauth.md for identity tokens). Stored
    /// credentials go to the realm the registry named, as Docker does; anonymous otherwise.
    async fn fetch_token(
        &self,
        host: &str,
        realm: &str,
        service: Option<&str>,
        scope: &str,
    ) -> Result<BearerToken, RegistryError> {
        let unauthorized = |detail: String| RegistryError::Unauthorized {
            registry: host.to_owned(),
            detail,
        };
        let mut url = Url::parse(realm)
            .map_err(|_| unauthorized(format!("invalid token realm `{}`", redact_url(realm))))?;
        self.check_scheme(&url)?;
        let credential = self.credential(host).await?;
        self.stats.token_requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let resp = if let Some(Credential::IdentityToken(refresh)) = &credential {
            // Built in its own scope: the serializer is not `Send` and must not live
            // across an `.await` (the language server needs `Send` futures).
            let form = {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", refresh)
                    .append_pair("client_id", "dlint")
                    .append_pair("scope", scope);
                if let Some(s) = service {
                    form.append_pair("service", s);
                }
                form.finish().into_bytes()
            };
            let headers = [(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded".to_owned(),
            )];
            self.send(Method::POST, &url, &headers, None, Some(form))
                .await?
        } else {
            {
                let mut q = url.query_pairs_mut();
                if let Some(s) = service {
                    q.append_pair("service", s);
                }
                q.append_pair("scope", scope);
            }
            let auth = credential.as_ref().and_then(Credential::basic_header);
            self.send(Method::GET, &url, &[], auth, None).await?
        };
        match resp.status {
            StatusCode::OK => Ok(parse_token_response(&resp.body, started)?),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(unauthorized(
                "the token server refused the credentials".to_owned(),
            )),
            s => Err(RegistryError::Status {
                url: resp.url,
                status: s.as_u16(),
                message: "token request failed".to_owned(),
            }),
        }
    }

    /// Sends a request, following up to [`MAX_REDIRECTS`] redirects for GET and HEAD.
    /// `Authorization` is dropped for good when a hop changes origin.
    pub async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &[(header::HeaderName, String)],
        mut auth: Option<String>,
        body: Option<Vec<u8>>,
    ) -> Result<Response, RegistryError> {
        let mut url = url.clone();
        let follow = method == Method::GET || method == Method::HEAD;
        for _ in 0..=MAX_REDIRECTS {
            let resp = self
                .send_with_retries(&method, &url, headers, auth.as_deref(), body.as_deref())
                .await?;
            let location = resp
                .status
                .is_redirection()
                .then(|| resp.header("location"))
                .flatten();
            let (true, Some(location)) = (follow, location) else {
                return Ok(resp);
            };
            let next = url.join(location).map_err(|_| RegistryError::Network {
                url: resp.url.clone(),
                message: "redirect to an invalid location".to_owned(),
            })?;
            self.check_scheme(&next)?;
            if next.origin() != url.origin() {
                auth = None;
            }
            self.stats.redirects.fetch_add(1, Ordering::Relaxed);
            url = next;
        }
        Err(RegistryError::TooManyRedirects {
            url: redact_url(url.as_str()),
        })
    }

    async fn send_with_retries(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(header::HeaderName, String)],
        auth: Option<&str>,
        body: Option<&[u8]>,
    ) -> Result<Response, RegistryError> {
        let mut attempt: u32 = 0;
        loop {
            let result = self.send_once(method, url, headers, auth, body).await;
            let delay = match &result {
                Ok(r) if is_retryable(r.status) => match r.retry_after() {
                    // The server asks for longer than a lookup may wait: fail now.
                    Some(d) if d > self.config.max_retry_after => return result,
                    Some(d) => d,
                    None => self.backoff(attempt),
                },
                Err(RegistryError::Connect { .. }) => self.backoff(attempt),
                _ => return result,
            };
            if attempt >= self.config.max_retries {
                return result;
            }
            attempt += 1;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(delay).await;
        }
    }

    /// `backoff_base * 2^attempt`, capped, plus up to 25 % jitter so that several dlint
    /// processes do not retry in lockstep.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .backoff_base
            .saturating_mul(1 << attempt.min(16))
            .min(MAX_BACKOFF);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        base + base.mul_f64(f64::from(nanos % 1000) / 4000.0)
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(header::HeaderName, String)],
        auth: Option<&str>,
        body: Option<&[u8]>,
    ) -> Result<Response, RegistryError> {
        let shown = redact_url(url.as_str());
        // The semaphore is never closed, so acquiring only waits.
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| RegistryError::Setup(e.to_string()))?;
        let client = if is_loopback(&host_port(url)) {
            &self.direct
        } else {
            &self.proxied
        };
        let mut req = client.request(method.clone(), url.clone());
        for (name, value) in headers {
            req = req.header(name, value);
        }
        if let Some(a) = auth {
            let mut value = HeaderValue::from_str(a).map_err(|_| {
                RegistryError::Setup(
                    "credential contains characters not allowed in a header".to_owned(),
                )
            })?;
            value.set_sensitive(true);
            req = req.header(header::AUTHORIZATION, value);
        }
        if let Some(b) = body {
            req = req.body(b.to_vec());
        }
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let mut resp = req.send().await.map_err(|e| map_reqwest(&e, &shown))?;
        let status = resp.status();
        let headers = std::mem::take(resp.headers_mut());
        let limit = self.config.max_body_bytes;
        let too_large = || RegistryError::BodyTooLarge {
            url: shown.clone(),
            limit,
        };
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| map_reqwest(&e, &shown))? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
            url: shown,
        })
    }
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// `host[:port]` of a URL, as registries are named in references.
fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// Maps a reqwest error to ours, with the cause chain but without the URL's query.
fn map_reqwest(e: &reqwest::Error, url: &str) -> RegistryError {
    if e.is_timeout() {
        return RegistryError::Timeout {
            url: url.to_owned(),
        };
    }
    let mut message = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&s.to_string());
        source = s.source();
    }
    if message.is_empty() {
        message.push_str("request failed");
    }
    if e.is_connect() {
        RegistryError::Connect {
            url: url.to_owned(),
            message,
        }
    } else {
        RegistryError::Network {
            url: url.to_owned(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)]) -> Response {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            headers: map,
            body: Vec::new(),
            url: String::new(),
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(
            response(&[("retry-after", "3")]).retry_after(),
            Some(Duration::from_secs(3))
        );
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let d = response(&[("retry-after", &later)]).retry_after().unwrap();
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(
            response(&[("retry-after", past)]).retry_after(),
            Some(Duration::ZERO)
        );
        assert_eq!(response(&[("retry-after", "soon")]).retry_after(), None);
        assert_eq!(response(&[]).retry_after(), None);
    }

    #[test]
    fn endpoints_refuse_plain_http_to_remote_hosts() {
        let mut config = RegistryConfig::default();
        config.mirrors.insert(
            "docker.io".into(),
            vec![
                "http://mirror.example".into(),
                "https://m2.example/p".into(),
            ],
        );
        let c = Client::new(config).unwrap();
        let eps = c.endpoints("docker.io");
        assert!(matches!(eps[0], Err(RegistryError::Insecure { .. })));
        let m2 = eps[1].as_ref().unwrap();
        assert_eq!(m2.base.as_str(), "https://m2.example/p/");
        assert_eq!(m2.host, "m2.example");
        let hub = eps[2].as_ref().unwrap();
        assert_eq!(hub.base.as_str(), "https://registry-1.docker.io/");
        assert_eq!(hub.host, "docker.io");
        assert!(!hub.is_mirror);
        let local = c.endpoints("127.0.0.1:5000");
        assert_eq!(
            local[0].as_ref().unwrap().base.as_str(),
            "http://127.0.0.1:5000/"
        );
    }
}
