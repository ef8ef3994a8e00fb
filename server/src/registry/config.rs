//! Settings of the registry client: timeouts, concurrency, retries, mirrors, insecure
//! registries, the cache directory and offline mode.
//!
//! Defaults suit an editor hover: short timeouts, few retries, TLS everywhere except loopback.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::reference::DOCKER_HUB;

/// Environment variable that overrides the cache directory.
pub const CACHE_DIR_ENV: &str = "DLINT_CACHE_DIR";

/// How the registry client behaves. Build with [`RegistryConfig::default`] and adjust fields.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// Time allowed to establish a TCP (+TLS) connection.
    pub connect_timeout: Duration,
    /// Time allowed for one HTTP request, from sending it to the end of the body.
    pub request_timeout: Duration,
    /// Most HTTP requests in flight at once, across all registries.
    pub max_concurrency: usize,
    /// Retries after a 429, a 5xx or a failed connection (not after a timeout).
    pub max_retries: u32,
    /// First backoff delay; doubled on each retry.
    pub backoff_base: Duration,
    /// Longest wait a `Retry-After` may impose; a longer one fails the request at once
    /// (Docker Hub's pull-limit 429 asks for hours).
    pub max_retry_after: Duration,
    /// How long a tag → digest answer is trusted before asking the registry again.
    pub tag_ttl: Duration,
    /// Mirrors per registry, tried in order before the registry itself. Docker only mirrors
    /// Docker Hub: the key is `docker.io`; values are base URLs (`https://mirror.example`).
    pub mirrors: HashMap<String, Vec<String>>,
    /// API base URL per registry host, overriding the default `https://<host>`
    /// (`docker.io` → `https://registry-1.docker.io`).
    pub endpoints: HashMap<String, String>,
    /// Registries (`host[:port]`) that may be reached over plain HTTP. Loopback registries
    /// always may.
    pub insecure_registries: Vec<String>,
    /// Cache root; `None` disables the on-disk cache.
    pub cache_dir: Option<PathBuf>,
    /// Never touch the network: answer from the cache or fail with "offline and not cached".
    pub offline: bool,
    /// Docker CLI config with credentials; `None` means the default location
    /// (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`).
    pub docker_config: Option<PathBuf>,
    /// Directory searched for `docker-credential-*` helpers before `PATH`.
    pub credential_helper_dir: Option<PathBuf>,
    /// Largest manifest or config body read into memory.
    pub max_body_bytes: u64,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            max_concurrency: 8,
            max_retries: 3,
            backoff_base: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(10),
            tag_ttl: Duration::from_secs(6 * 60 * 60),
            mirrors: HashMap::new(),
            endpoints: HashMap::new(),
            insecure_registries: Vec::new(),
            cache_dir: default_cache_dir(),
            offline: false,
            docker_config: None,
            credential_helper_dir: None,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

impl RegistryConfig {
    /// True when `host` (`host[:port]`, as in a reference) may be reached over plain HTTP.
    pub fn allows_plain_http(&self, host: &str) -> bool {
        is_loopback(host) || self.insecure_registries.iter().any(|h| h == host)
    }

    /// API base URL of a registry, without a trailing slash.
    pub fn endpoint(&self, registry: &str) -> String {
        if let Some(url) = self.endpoints.get(registry) {
            return url.trim_end_matches('/').to_owned();
        }
        if registry == DOCKER_HUB {
            return "https://registry-1.docker.io".to_owned();
        }
        let scheme = if self.allows_plain_http(registry) {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{registry}")
    }
}

/// `$DLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/dlint`, else `~/.cache/dlint`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = non_empty(CACHE_DIR_ENV) {
        return Some(PathBuf::from(dir));
    }
    if let Some(xdg) = non_empty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(xdg).join("dlint"));
    }
    non_empty("HOME").map(|home| PathBuf::from(home).join(".cache").join("dlint"))
}

/// True for `localhost`, `127.0.0.0/8` and `::1`, with or without a port.
pub fn is_loopback(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()) {
        return true;
    }
    let bare = if let Some(rest) = host.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(h, _)| h)
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(h, _)| h)
    };
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1",
            "127.0.0.2:8080",
            "127.255.0.1",
            "[::1]:5000",
            "::1",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "example.com",
            "10.0.0.1:5000",
            "128.0.0.1",
            "localhost.example",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn endpoints() {
        let mut c = RegistryConfig::default();
        assert_eq!(c.endpoint("docker.io"), "https://registry-1.docker.io");
        assert_eq!(c.endpoint("ghcr.io"), "https://ghcr.io");
        assert_eq!(c.endpoint("127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(c.endpoint("reg.lan:5000"), "https://reg.lan:5000");
        c.insecure_registries.push("reg.lan:5000".into());
        assert_eq!(c.endpoint("reg.lan:5000"), "http://reg.lan:5000");
    }
}
