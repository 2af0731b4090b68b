//! The config.js probe against real loopback servers: a tiny HTTP server on a std
//! `TcpListener` (good, refused, slow, oversized and broken answers), and `openssl s_server`
//! for TLS (a self-signed certificate, a test CA trusted through `SSL_CERT_FILE` or
//! `SSL_CERT_DIR` as a corporate CA in the system store would be, and a redirect off the
//! proxy). The cases a user meets run `tsh-review doctor` against the fake tsh, whose profile
//! points at the local server.
//!
//! Everything listens on 127.0.0.1 only, every test stops its servers, and every wait is
//! bounded. `SSL_CERT_FILE` is process-global, so the library cases that depend on it run in a
//! child process of this test binary (`child_probe`) with the variable set or removed there.

use crate::common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tsh_review::internals::probe::{
    Capability, ENABLE_SUMMARIZATION, ProbeOptions, Verdict, probe_url,
};

const ENT: &str = r#"var GRV_CONFIG = {"auth":{"second_factor":"webauthn"},"edition":"ent","entitlements":{"Identity":{"enabled":true,"limit":0}},"identitySecurity":{"licensed":true,"sessionSummarizationEnabled":true,"accessGraphConfigSet":true},"sessionSummarizerEnabled":true};"#;
const OSS: &str = r#"var GRV_CONFIG = {"auth":{"second_factor":"otp"},"edition":"oss","entitlements":{"Identity":{"enabled":false}}};"#;

fn opts() -> ProbeOptions {
    ProbeOptions {
        insecure: false,
        timeout: Duration::from_secs(5),
        max_body: 1 << 20,
    }
}

fn reason(v: &Verdict) -> &str {
    match v {
        Verdict::Unreachable(r) => r,
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[derive(Clone)]
enum Answer {
    /// 200 with this body.
    Body(&'static str),
    /// This status and a short body.
    Status(u16, &'static str),
    /// 200 with `n` bytes of body, with or without a Content-Length header.
    Huge { n: usize, length: bool },
    /// Reads the request and never answers.
    Silent,
    /// Headers, then a byte every 100 ms, forever.
    Drip,
}

/// A one-purpose HTTP server on 127.0.0.1; stops (and joins every thread) when dropped.
struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, requests) = (Arc::clone(&stop), Arc::clone(&requests));
            thread::spawn(move || {
                let mut handlers = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (stop, requests, answer) =
                                (Arc::clone(&stop), Arc::clone(&requests), answer.clone());
                            handlers.push(thread::spawn(move || {
                                serve(stream, &answer, &stop, &requests)
                            }));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
                for h in handlers {
                    let _ = h.join();
                }
            })
        };
        Server {
            addr,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/web/config.js", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Write errors are ignored: the client hanging up early is the point of some tests.
fn serve(mut s: TcpStream, answer: &Answer, stop: &AtomicBool, requests: &Mutex<Vec<String>>) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(Duration::from_secs(3)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&head);
    requests
        .lock()
        .unwrap()
        .push(line.lines().next().unwrap_or("").to_owned());
    let wait_for_stop = || {
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(10));
        }
    };
    match answer {
        Answer::Body(body) => {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Answer::Status(code, body) => {
            let _ = write!(
                s,
                "HTTP/1.1 {code} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Answer::Huge { n, length } => {
            let header = if *length {
                format!("Content-Length: {n}\r\n")
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\n{header}Connection: close\r\n\r\nvar GRV_CONFIG = {{\"pad\":\""
            );
            let chunk = [b'x'; 64 * 1024];
            let mut left = *n;
            while left > 0 && !stop.load(Ordering::SeqCst) {
                let k = left.min(chunk.len());
                if s.write_all(&chunk[..k]).is_err() {
                    return;
                }
                left -= k;
            }
        }
        Answer::Silent => wait_for_stop(),
        Answer::Drip => {
            if s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nvar GRV_CONFIG = ")
                .is_err()
            {
                return;
            }
            while !stop.load(Ordering::SeqCst) {
                if s.write_all(b" ").is_err() {
                    return;
                }
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

#[test]
fn enterprise_answer_is_available() {
    let server = Server::start(Answer::Body(ENT));
    let (cap, verdict) = probe_url(&server.url(), &opts());
    assert_eq!(verdict, Verdict::Available);
    assert_eq!(
        cap,
        Some(Capability {
            edition: Some("ent".into()),
            licensed: Some(true),
            summarization: Some(true),
            access_graph: Some(true),
            identity_block: true,
        })
    );
    assert_eq!(server.requests(), ["GET /web/config.js HTTP/1.1"]);
}

#[test]
fn oss_answer_is_impossible() {
    let server = Server::start(Answer::Body(OSS));
    let (cap, verdict) = probe_url(&server.url(), &opts());
    assert!(
        matches!(verdict, Verdict::Impossible(ref why) if why.contains("\"oss\"")),
        "{verdict:?}"
    );
    assert_eq!(cap.unwrap().edition.as_deref(), Some("oss"));
}

#[test]
fn summarization_off_is_not_enabled() {
    let server = Server::start(Answer::Body(
        r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":true,"sessionSummarizationEnabled":false,"accessGraphConfigSet":true}};"#,
    ));
    let (_, verdict) = probe_url(&server.url(), &opts());
    assert_eq!(verdict, Verdict::NotEnabled(vec![ENABLE_SUMMARIZATION]));
}

#[test]
fn http_errors_are_unreachable() {
    for (code, want) in [(404, "HTTP 404"), (500, "HTTP 500"), (503, "HTTP 503")] {
        let server = Server::start(Answer::Status(code, "nope"));
        let (cap, verdict) = probe_url(&server.url(), &opts());
        assert_eq!(cap, None);
        assert_eq!(reason(&verdict), want);
    }
}

#[test]
fn oversized_bodies_are_refused_quickly() {
    for length in [true, false] {
        let server = Server::start(Answer::Huge { n: 5 << 20, length });
        let start = Instant::now();
        let (cap, verdict) = probe_url(&server.url(), &opts());
        assert_eq!(cap, None);
        assert_eq!(
            reason(&verdict),
            "config.js larger than 1 MiB",
            "length header: {length}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
    }
    // The cap is the caller's.
    let server = Server::start(Answer::Body(ENT));
    let small = ProbeOptions {
        max_body: 64,
        ..opts()
    };
    assert_eq!(
        reason(&probe_url(&server.url(), &small).1),
        "config.js larger than 64 bytes"
    );
}

#[test]
fn a_silent_server_times_out() {
    let server = Server::start(Answer::Silent);
    let quick = ProbeOptions {
        timeout: Duration::from_secs(1),
        ..opts()
    };
    let start = Instant::now();
    let (cap, verdict) = probe_url(&server.url(), &quick);
    let took = start.elapsed();
    assert_eq!(cap, None);
    assert_eq!(reason(&verdict), "no answer within 1s");
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_dripping_body_times_out() {
    let server = Server::start(Answer::Drip);
    let quick = ProbeOptions {
        timeout: Duration::from_secs(1),
        ..opts()
    };
    let start = Instant::now();
    let (_, verdict) = probe_url(&server.url(), &quick);
    assert_eq!(reason(&verdict), "no answer within 1s");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn garbage_bodies_are_unreachable() {
    for body in [
        "<!DOCTYPE html><html><body>Please sign in to the hotel Wi-Fi</body></html>",
        "var GRV_CONFIG = {\"edition\":\"ent\",",
        "",
    ] {
        let server = Server::start(Answer::Body(body));
        let (cap, verdict) = probe_url(&server.url(), &opts());
        assert_eq!(cap, None);
        let why = reason(&verdict);
        assert!(
            why.starts_with("config.js is not in the expected format: "),
            "{why}"
        );
    }
    let server = Server::start(Answer::Body(
        r#"var GRV_CONFIG = {"edition":"\u001b]0;x\u0007"};"#,
    ));
    let (cap, verdict) = probe_url(&server.url(), &opts());
    assert_eq!(cap.unwrap().edition.as_deref(), Some("\u{1b}]0;x\u{7}"));
    assert!(matches!(verdict, Verdict::Impossible(ref why) if why.contains('\u{1b}')));
}

#[test]
fn refused_connections_and_bad_urls_are_unreachable() {
    let port = free_port();
    let (_, verdict) = probe_url(&format!("http://127.0.0.1:{port}/web/config.js"), &opts());
    assert_eq!(reason(&verdict), "connection refused");
    for url in [
        "",
        "not a url",
        "ftp://127.0.0.1/web/config.js",
        "https://127.0.0.1:99999/",
    ] {
        assert_eq!(reason(&probe_url(url, &opts()).1), "invalid URL", "{url}");
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---- TLS, with the openssl CLI ----

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tsh-review-probe-it-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("web")).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: `openssl` is not installed; skipping the TLS probe tests");
    }
    ok
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const EC: [&str; 4] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];

/// A self-signed certificate for 127.0.0.1: `cert.pem`, `key.pem`.
fn self_signed(dir: &Path) {
    let mut args = vec!["req", "-x509", "-nodes", "-days", "2"];
    args.extend(EC);
    args.extend([
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
    ]);
    openssl(dir, &args);
}

/// A CA (`ca.pem`) and a leaf for 127.0.0.1 and `teleport.test` signed by it (`leaf.pem`, `leaf.key`), as a
/// private PKI (a corporate CA) has them.
fn ca_and_leaf(dir: &Path) {
    let mut args = vec!["req", "-x509", "-nodes", "-days", "2"];
    args.extend(EC);
    args.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=tsh-review test CA",
    ]);
    openssl(dir, &args);
    let mut args = vec!["req", "-new", "-nodes"];
    args.extend(EC);
    args.extend([
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    openssl(dir, &args);
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:teleport.test\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
}

/// `openssl s_server -WWW` serving `dir` (so `dir/web/config.js`) on 127.0.0.1; killed when
/// dropped.
struct TlsServer {
    child: Child,
    port: u16,
}

impl TlsServer {
    fn start(dir: &Path, cert: &str, key: &str, body: &str) -> TlsServer {
        TlsServer::serve(dir, cert, key, body, "-WWW")
    }

    /// Answers every request with `response`, a whole HTTP response (status line, headers
    /// with CRLF, body): `s_server -HTTP` sends the file as it is.
    fn start_raw(dir: &Path, cert: &str, key: &str, response: &str) -> TlsServer {
        TlsServer::serve(dir, cert, key, response, "-HTTP")
    }

    fn serve(dir: &Path, cert: &str, key: &str, content: &str, mode: &str) -> TlsServer {
        std::fs::write(dir.join("web/config.js"), content).unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.join("s_server.log")).unwrap();
        let child = Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}")])
            .args(["-cert", cert, "-key", key, mode, "-quiet"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut server = TlsServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = std::fs::read_to_string(dir.join("s_server.log")).unwrap_or_default();
                panic!("openssl s_server exited ({status}): {log}");
            }
            assert!(Instant::now() < deadline, "openssl s_server did not start");
            thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/web/config.js", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const CHILD_URL: &str = "TSH_REVIEW_PROBE_CHILD_URL";
const CHILD_EXPECT: &str = "TSH_REVIEW_PROBE_CHILD_EXPECT";

/// Not a test on its own: the body of the child processes started by `in_child`. Probes
/// `$TSH_REVIEW_PROBE_CHILD_URL` and checks the verdict against `$TSH_REVIEW_PROBE_CHILD_EXPECT`
/// (`available`, or text the Unreachable reason must start with).
#[test]
fn child_probe() {
    let (Some(url), Some(expect)) = (std::env::var_os(CHILD_URL), std::env::var_os(CHILD_EXPECT))
    else {
        return;
    };
    let (url, expect) = (url.into_string().unwrap(), expect.into_string().unwrap());
    let (_, verdict) = probe_url(&url, &opts());
    if expect == "available" {
        assert_eq!(verdict, Verdict::Available);
    } else {
        let why = reason(&verdict);
        assert!(
            why.starts_with(&expect),
            "{why:?} does not start with {expect:?}"
        );
    }
}

/// Runs `child_probe` in a child process with the trust variables set as `trust` says (and
/// unset otherwise).
fn in_child(url: &str, trust: &[(&str, &Path)], expect: &str) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "probe::child_probe",
        "--exact",
        "--test-threads=1",
        "--nocapture",
    ])
    .env(CHILD_URL, url)
    .env(CHILD_EXPECT, expect)
    .env_remove("SSL_CERT_FILE")
    .env_remove("SSL_CERT_DIR");
    for (name, path) in trust {
        cmd.env(name, path);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "child probe ({trust:?}, expect {expect:?}) failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test:\n{stdout}"
    );
}

#[test]
fn self_signed_is_refused_unless_insecure() {
    if !have_openssl() {
        return;
    }
    let tmp = TempDir::new("selfsigned");
    self_signed(&tmp.0);
    let server = TlsServer::start(&tmp.0, "cert.pem", "key.pem", ENT);
    in_child(&server.url(), &[], "TLS: self-signed certificate");
    // Named as a root, a self-signed server certificate is trusted, as tsh (Go) trusts it.
    in_child(
        &server.url(),
        &[("SSL_CERT_FILE", &tmp.0.join("cert.pem"))],
        "available",
    );
    let insecure = ProbeOptions {
        insecure: true,
        ..opts()
    };
    let (_, verdict) = probe_url(&server.url(), &insecure);
    assert_eq!(verdict, Verdict::Available);
}

#[test]
fn private_ca_is_trusted_through_ssl_cert_file() {
    if !have_openssl() {
        return;
    }
    let tmp = TempDir::new("ca");
    ca_and_leaf(&tmp.0);
    let server = TlsServer::start(&tmp.0, "leaf.pem", "leaf.key", ENT);
    let file = |name: &str| tmp.0.join(name);
    in_child(
        &server.url(),
        &[("SSL_CERT_FILE", &file("ca.pem"))],
        "available",
    );
    in_child(
        &server.url(),
        &[],
        "TLS: certificate signed by an unknown authority",
    );
    // A bundle with other certificates around the CA still works.
    let leaf = std::fs::read_to_string(file("leaf.pem")).unwrap();
    let ca = std::fs::read_to_string(file("ca.pem")).unwrap();
    std::fs::write(file("bundle.pem"), format!("# test bundle\n{leaf}\n{ca}")).unwrap();
    in_child(
        &server.url(),
        &[("SSL_CERT_FILE", &file("bundle.pem"))],
        "available",
    );
    // A broken SSL_CERT_FILE is said, not silently ignored.
    in_child(
        &server.url(),
        &[("SSL_CERT_FILE", &file("missing.pem"))],
        "cannot read SSL_CERT_FILE ",
    );
    in_child(
        &server.url(),
        &[("SSL_CERT_FILE", &file("leaf.key"))],
        "SSL_CERT_FILE ",
    );
}

/// A corporate CA that tsh trusts is in the system's certificate directory; OpenSSL and Go
/// both read `SSL_CERT_DIR` as such a directory (hashed names for OpenSSL, any name for Go).
#[test]
fn a_ca_in_a_system_certificate_directory_is_trusted() {
    if !have_openssl() {
        return;
    }
    let tmp = TempDir::new("cadir");
    ca_and_leaf(&tmp.0);
    let server = TlsServer::start(&tmp.0, "leaf.pem", "leaf.key", ENT);
    let dir = tmp.0.join("certs");
    std::fs::create_dir(&dir).unwrap();
    let hash = Command::new("openssl")
        .args(["x509", "-hash", "-noout", "-in"])
        .arg(tmp.0.join("ca.pem"))
        .output()
        .unwrap();
    let hash = String::from_utf8(hash.stdout).unwrap();
    std::fs::copy(tmp.0.join("ca.pem"), dir.join(format!("{}.0", hash.trim()))).unwrap();
    in_child(&server.url(), &[("SSL_CERT_DIR", &dir)], "available");
}

// ---- Through the binary: `tsh-review doctor` probing the fake profile's proxy ----

/// `tsh-review doctor` with the fake tsh's proxy at `proxy`; its edition line and the probe
/// files left in the cache.
fn doctor(proxy: &str, args: &[&str], ca: Option<&Path>) -> (String, Vec<String>) {
    doctor_with(proxy, args, ca, &[])
}

fn doctor_with(
    proxy: &str,
    args: &[&str],
    ca: Option<&Path>,
    env: &[(&str, &str)],
) -> (String, Vec<String>) {
    let w = common::World::new();
    let mut cmd = w.cmd();
    cmd.arg("doctor").args(args).env("FAKE_PROXY", proxy);
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(ca) = ca {
        cmd.env("SSL_CERT_FILE", ca);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let edition = stdout
        .lines()
        .find(|l| l.split('\t').nth(1) == Some("edition"))
        .unwrap_or_else(|| panic!("no edition check in {stdout}"))
        .to_owned();
    let cached = std::fs::read_dir(w.cache_dir().join("tsh-review"))
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.contains("probe-"))
                .collect()
        })
        .unwrap_or_default();
    (edition, cached)
}

#[test]
fn a_redirect_to_plain_http_on_another_port_is_not_followed_or_cached() {
    if !have_openssl() {
        return;
    }
    let tmp = TempDir::new("redirect");
    ca_and_leaf(&tmp.0);
    let plain = Server::start(Answer::Body(ENT));
    let elsewhere = plain.url();
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nLocation: {elsewhere}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let server = TlsServer::start_raw(&tmp.0, "leaf.pem", "leaf.key", &redirect);
    let proxy = format!("127.0.0.1:{}", server.port);
    let (edition, cached) = doctor(&proxy, &[], Some(&tmp.0.join("ca.pem")));
    assert!(edition.starts_with("skip\t"), "{edition}");
    assert!(
        edition.contains(&format!(
            "the proxy redirects to {elsewhere}, another scheme and port: not followed"
        )),
        "{edition}"
    );
    assert!(plain.requests().is_empty(), "{:?}", plain.requests());
    assert!(cached.is_empty(), "{cached:?}");
}

#[test]
fn an_insecure_answer_is_used_but_not_cached() {
    if !have_openssl() {
        return;
    }
    let tmp = TempDir::new("insecure");
    self_signed(&tmp.0);
    let server = TlsServer::start(&tmp.0, "cert.pem", "key.pem", ENT);
    let proxy = format!("127.0.0.1:{}", server.port);
    let (edition, cached) = doctor(&proxy, &["--insecure"], None);
    assert!(edition.starts_with("ok\t"), "{edition}");
    assert!(cached.is_empty(), "{cached:?}");
    // Verified, the same answer is cached.
    let tmp = TempDir::new("verified");
    ca_and_leaf(&tmp.0);
    let server = TlsServer::start(&tmp.0, "leaf.pem", "leaf.key", ENT);
    let proxy = format!("127.0.0.1:{}", server.port);
    let (edition, cached) = doctor(&proxy, &[], Some(&tmp.0.join("ca.pem")));
    assert!(edition.starts_with("ok\t"), "{edition}");
    assert_eq!(cached, [format!("probe-127.0.0.1_{}.json", server.port)]);
}

/// An HTTP CONNECT proxy for one tunnel: records the request line, then joins the client to
/// 127.0.0.1:`port` whatever host was asked for (so a name that resolves nowhere works).
struct ConnectProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl ConnectProxy {
    fn start(port: u16) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let thread = thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut client = loop {
                match listener.accept() {
                    Ok((s, _)) => break s,
                    Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                    Err(_) => return,
                }
            };
            let _ = client.set_nonblocking(false);
            let _ = client.set_read_timeout(Some(Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                match client.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => return,
                }
            }
            let line = String::from_utf8_lossy(&head);
            log.lock()
                .unwrap()
                .push(line.lines().next().unwrap_or("").to_owned());
            let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                return;
            };
            let _ = server.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let up = thread::spawn(move || {
                let _ = std::io::copy(&mut c2, &mut s2);
                let _ = s2.shutdown(std::net::Shutdown::Write);
            });
            let (mut s1, mut c1) = (server, client);
            let _ = std::io::copy(&mut s1, &mut c1);
            let _ = c1.shutdown(std::net::Shutdown::Both);
            let _ = up.join();
        });
        ConnectProxy {
            addr,
            seen,
            thread: Some(thread),
        }
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn the_probe_goes_through_https_proxy_with_tls_verified_end_to_end() {
    if !have_openssl() {
        return;
    }
    let tmp = TempDir::new("viaproxy");
    ca_and_leaf(&tmp.0);
    let server = TlsServer::start(&tmp.0, "leaf.pem", "leaf.key", ENT);
    let tunnel = ConnectProxy::start(server.port);
    let proxy_url = format!("http://{}", tunnel.addr);
    let (edition, cached) = doctor_with(
        &format!("teleport.test:{}", server.port),
        &[],
        Some(&tmp.0.join("ca.pem")),
        &[("HTTPS_PROXY", &proxy_url), ("NO_PROXY", "other.test")],
    );
    assert!(edition.starts_with("ok\t"), "{edition}");
    assert_eq!(cached.len(), 1, "{cached:?}");
    let seen = tunnel.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [format!("CONNECT teleport.test:{} HTTP/1.1", server.port)]
    );
}
