//! Debian's `docker-registry` (CNCF distribution 2.8) as a child process on 127.0.0.1 with
//! a free port and a temporary storage directory, following shared/base-images/REGISTRY.md
//! §10. The binary must exist: scripts/test.sh installs it, and a missing one fails the
//! test with instructions instead of skipping it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// How the registry authenticates clients.
pub enum Auth {
    None,
    /// `auth.htpasswd` with one bcrypt user (hashed by `htpasswd -B`, apache2-utils).
    Htpasswd {
        user: String,
        password: String,
    },
    /// `auth.token`: trusts JWTs signed by the key of `cert`.
    Token {
        realm: String,
        service: String,
        issuer: String,
        cert: PathBuf,
    },
}

/// A running registry; killed on drop.
pub struct TestRegistry {
    pub port: u16,
    child: Child,
    dir: TempDir,
}

/// Fails the test with an actionable message when a required program is missing.
pub fn require_program(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: install Debian's `{package}` package (scripts/test.sh does this: \
         `bash scripts/test.sh`, or `apt-get install -y {package}`)"
    );
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().unwrap().port()
}

impl TestRegistry {
    pub fn start(auth: &Auth) -> Self {
        require_program(REGISTRY_BIN, "docker-registry");
        // The port is picked before the registry binds it; on the rare collision, retry.
        let mut last_log = String::new();
        for _ in 0..3 {
            match Self::try_start(auth) {
                Ok(r) => return r,
                Err(log) => last_log = log,
            }
        }
        panic!("docker-registry did not start; its log:\n{last_log}");
    }

    fn try_start(auth: &Auth) -> Result<Self, String> {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let auth_yaml = match auth {
            Auth::None => String::new(),
            Auth::Htpasswd { user, password } => {
                require_program("/usr/bin/htpasswd", "apache2-utils");
                let out = Command::new("/usr/bin/htpasswd")
                    .args(["-Bbn", user, password])
                    .output()
                    .expect("run htpasswd");
                assert!(out.status.success(), "htpasswd failed");
                let path = dir.path().join("htpasswd");
                std::fs::write(&path, &out.stdout).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
                    path.display()
                )
            }
            Auth::Token {
                realm,
                service,
                issuer,
                cert,
            } => format!(
                "auth:\n  token:\n    realm: {realm}\n    service: {service}\n    issuer: {issuer}\n    rootcertbundle: {}\n",
                cert.display()
            ),
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {data}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: local-test-only\n{auth_yaml}",
            data = dir.path().join("data").display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(REGISTRY_BIN)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn docker-registry");
        let mut reg = Self { port, child, dir };
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = reg.child.try_wait() {
                return Err(reg.log());
            }
            if probe(port) {
                return Ok(reg);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("(timed out waiting for /v2/)\n{}", reg.log()))
    }

    /// `127.0.0.1:<port>`, as in an image reference.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }
}

/// True once `GET /v2/` gets any HTTP answer (200, or 401 with auth configured).
fn probe(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    if s.write_all(b"GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.1 ")
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
