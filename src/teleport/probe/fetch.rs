//! The probe's one HTTP exchange: `GET config.js`, bounded in time and size, with every
//! failure said in a few words.
//!
//! - Trust is the system's, as tsh's: native-tls, i.e. OpenSSL with the distribution's CA
//!   bundle and certificate directories (the files Go's crypto/x509 reads too), so a corporate
//!   CA that tsh trusts is trusted here. `SSL_CERT_FILE` names a bundle to use instead of the
//!   system bundle and `SSL_CERT_DIR` adds a directory, as both OpenSSL and Go read them; a
//!   set but unreadable or empty `SSL_CERT_FILE` is an error here rather than silently
//!   ignored. `insecure` turns verification off, like `tsh --insecure`.
//! - Redirects are followed only within the same scheme, host and port. An answer from
//!   anywhere else is not the proxy's: an https URL redirected to plain http (or to another
//!   port, where anyone on the host may listen) would otherwise be trusted as if it had been
//!   verified.
//! - An answer is `verified` only when it came over https with verification on: only those
//!   may be cached.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use ureq::tls::{PemItem, RootCerts, TlsConfig, TlsProvider};
use ureq::{Agent, Proxy, ProxyProtocol};

use super::ProbeOptions;
use super::proxy_env::{Target, proxy_for};
use crate::teleport::authority::Scheme;

/// Enough for `/web/config.js` -> `/web/config.js?x` style hops; a real proxy needs none.
const MAX_REDIRECTS: usize = 3;
/// Larger than any real CA bundle.
const MAX_CERT_FILE: u64 = 16 << 20;
/// A redirect target is quoted in the verdict; no more of it than this.
const MAX_SHOWN_LOCATION: usize = 200;

/// config.js as the proxy served it.
#[derive(Debug)]
pub(super) struct Fetched {
    pub(super) body: String,
    /// Came over https with the certificate verified: may be cached and reused.
    pub(super) verified: bool,
}

/// Fetch `url`. Never runs much past `opts.timeout` in all (redirects included); every failure
/// is a short reason (raw: the caller escapes it).
pub(super) fn fetch(url: &str, opts: &ProbeOptions) -> Result<Fetched, String> {
    let target = Target::of_url(url).ok_or("invalid URL")?;
    let https = target.scheme == Scheme::Https;
    let agent = agent(&target, opts)?;
    let deadline = Instant::now() + opts.timeout;
    let mut current = url.to_owned();
    for _ in 0..=MAX_REDIRECTS {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(no_answer(opts));
        }
        let mut response = agent
            .get(&current)
            .config()
            .timeout_global(Some(left))
            .build()
            .call()
            .map_err(|e| describe(e, opts, https))?;
        let status = response.status();
        if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            let location = response
                .headers()
                .get("location")
                .ok_or_else(|| format!("HTTP {} without a Location", status.as_u16()))?
                .to_str()
                .map_err(|_| "the proxy redirects to a Location that is not plain text")?;
            current = same_origin(&current, location, &target)?;
            continue;
        }
        if !status.is_success() {
            return Err(format!("HTTP {}", status.as_u16()));
        }
        if response
            .body()
            .content_length()
            .is_some_and(|n| n > opts.max_body)
        {
            return Err(too_big(opts));
        }
        let bytes = response
            .body_mut()
            .with_config()
            .limit(opts.max_body)
            .read_to_vec()
            .map_err(|e| describe(e, opts, https))?;
        let body = String::from_utf8(bytes).map_err(|_| "config.js is not UTF-8 text")?;
        return Ok(Fetched {
            body,
            verified: https && !opts.insecure,
        });
    }
    Err("too many redirects".into())
}

/// An agent that follows no redirect itself (see the module notes), goes through the proxy
/// Go's rules pick, and trusts what the system trusts.
fn agent(target: &Target, opts: &ProbeOptions) -> Result<Agent, String> {
    let env = |name: &str| std::env::var(name).ok();
    let proxy = match proxy_for(target, env) {
        None => None,
        Some((var, value)) => {
            let proxy =
                Proxy::new(&value).map_err(|_| format!("the proxy in {var} is not a valid URL"))?;
            if !matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https) {
                return Err(format!(
                    "the proxy in {var} is a SOCKS proxy, which tsh-review does not support"
                ));
            }
            Some(proxy)
        }
    };
    let mut tls = TlsConfig::builder()
        .provider(TlsProvider::NativeTls)
        .root_certs(RootCerts::PlatformVerifier);
    if opts.insecure {
        tls = tls.disable_verification(true);
    } else if target.scheme == Scheme::Https {
        check_cert_file()?;
    }
    Ok(Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy)
        .tls_config(tls.build())
        .user_agent(concat!("tsh-review/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent())
}

/// The absolute URL `location` points to from `current`, if it stays on `origin`'s scheme,
/// host and port; otherwise why it is not followed.
fn same_origin(current: &str, location: &str, origin: &Target) -> Result<String, String> {
    let next = resolve(current, location);
    let shown = shorten(&next);
    let Some(to) = Target::of_url(&next) else {
        return Err(format!(
            "the proxy redirects to {shown}, which is not an http or https URL"
        ));
    };
    let mut other = Vec::new();
    if to.scheme != origin.scheme {
        other.push("scheme");
    }
    if to.host != origin.host {
        other.push("host");
    }
    if to.port != origin.port {
        other.push("port");
    }
    if other.is_empty() {
        Ok(next)
    } else {
        Err(format!(
            "the proxy redirects to {shown}, another {}: not followed",
            other.join(" and ")
        ))
    }
}

/// `location` (absolute, `//host/...`, `/path` or `path`) made absolute against `current`.
fn resolve(current: &str, location: &str) -> String {
    let location = location.trim();
    if location.contains("://") {
        return location.to_owned();
    }
    let Some((scheme, rest)) = current.split_once("://") else {
        return location.to_owned();
    };
    if let Some(net_path) = location.strip_prefix("//") {
        return format!("{scheme}://{net_path}");
    }
    let path_at = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(path_at);
    let origin = format!("{scheme}://{authority}");
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{origin}{dir}{location}")
}

fn shorten(text: &str) -> String {
    if text.len() <= MAX_SHOWN_LOCATION {
        return text.to_owned();
    }
    let mut end = MAX_SHOWN_LOCATION;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn describe(e: ureq::Error, opts: &ProbeOptions, https: bool) -> String {
    use ureq::Error as E;
    match e {
        E::StatusCode(code) => format!("HTTP {code}"),
        E::Timeout(_) => no_answer(opts),
        E::BodyExceedsLimit(_) => too_big(opts),
        E::HostNotFound => "host not found".into(),
        E::Io(io) => describe_io(&io, opts, https),
        E::Tls(m) => tls_reason(m),
        E::NativeTls(t) => tls_reason(&t.to_string()),
        E::TooManyRedirects => "too many redirects".into(),
        E::BadUri(_) => "invalid URL".into(),
        E::InvalidProxyUrl => "invalid proxy URL".into(),
        E::ConnectionFailed => "connection failed".into(),
        E::Protocol(p) => format!("not an HTTP answer ({p})"),
        other => other.to_string(),
    }
}

fn describe_io(e: &std::io::Error, opts: &ProbeOptions, https: bool) -> String {
    use ErrorKind as K;
    match e.kind() {
        K::TimedOut | K::WouldBlock => no_answer(opts),
        K::ConnectionRefused => "connection refused".into(),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => "connection reset".into(),
        K::UnexpectedEof => "connection closed before a complete answer".into(),
        K::NetworkUnreachable => "network unreachable".into(),
        K::HostUnreachable => "host unreachable".into(),
        // A failed handshake can surface as invalid data on the stream.
        K::InvalidData if https => tls_reason(&e.to_string()),
        _ if e.to_string().contains("lookup address") => "host not found".into(),
        _ => format!("network error: {e}"),
    }
}

/// OpenSSL says why verification failed in parentheses after its error stack
/// (`error:0A000086:SSL routines:...:certificate verify failed:...: (self-signed
/// certificate)`): say the common reasons in Go's words (what tsh would print), keep the
/// reason of anything else, without the source file and line.
fn tls_reason(text: &str) -> String {
    let known = [
        (
            "self-signed certificate in certificate chain",
            "certificate signed by an unknown authority",
        ),
        (
            "self signed certificate in",
            "certificate signed by an unknown authority",
        ),
        ("self-signed certificate", "self-signed certificate"),
        ("self signed certificate", "self-signed certificate"),
        (
            "unable to get local issuer",
            "certificate signed by an unknown authority",
        ),
        (
            "unable to get issuer",
            "certificate signed by an unknown authority",
        ),
        (
            "unable to verify the first",
            "certificate signed by an unknown authority",
        ),
        (
            "hostname mismatch",
            "certificate is not valid for this host",
        ),
        (
            "IP address mismatch",
            "certificate is not valid for this host",
        ),
        (
            "certificate is not yet valid",
            "certificate is not valid yet",
        ),
        ("certificate has expired", "certificate has expired"),
        ("certificate revoked", "certificate has been revoked"),
    ];
    if let Some((_, words)) = known.iter().find(|(said, _)| text.contains(said)) {
        return format!("{TLS}{words}");
    }
    // `error:CODE:LIBRARY:FUNCTION:REASON:FILE:LINE:`: the reason is what a person can use.
    let said = text
        .strip_prefix("error:")
        .and_then(|rest| rest.split(':').nth(3))
        .filter(|reason| !reason.is_empty())
        .unwrap_or(text);
    format!("{TLS}{said}")
}

/// How a failed TLS handshake or verification starts its reason.
const TLS: &str = "TLS: ";

/// Whether an unreachable verdict's reason is a TLS failure, which `--insecure` may get past
/// on a dev cluster (a name, a network or a timeout it does not help).
pub fn tls_failure(reason: &str) -> bool {
    reason.starts_with(TLS)
}

pub(super) fn no_answer(opts: &ProbeOptions) -> String {
    format!("no answer within {}", human_duration(opts.timeout))
}

fn too_big(opts: &ProbeOptions) -> String {
    format!("config.js larger than {}", human_size(opts.max_body))
}

fn human_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

fn human_size(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// A set `SSL_CERT_FILE` must name a readable bundle with at least one certificate: OpenSSL
/// would quietly fall back to the system bundle, and a user who pointed it at their CA would
/// then see "unknown authority" with no hint that the variable was the problem.
fn check_cert_file() -> Result<(), String> {
    use std::fs::OpenOptions;
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = std::path::Path::new(&path);
    let shown = path.display();
    let mut pem = Vec::new();
    // O_NONBLOCK: a FIFO named there cannot hang the probe.
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .and_then(|f| f.take(MAX_CERT_FILE).read_to_end(&mut pem))
        .map_err(|e| format!("cannot read SSL_CERT_FILE {shown}: {e}"))?;
    let any = ureq::tls::parse_pem(&pem).any(|item| matches!(item, Ok(PemItem::Certificate(_))));
    if any {
        Ok(())
    } else {
        Err(format!("SSL_CERT_FILE {shown} holds no PEM certificates"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_failures_read_well() {
        let verify = |why: &str| {
            tls_reason(&format!(
                "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889: ({why})"
            ))
        };
        assert_eq!(
            verify("self-signed certificate"),
            "TLS: self-signed certificate"
        );
        // What --insecure may get past, and what it does not.
        assert!(tls_failure(&verify("self-signed certificate")));
        assert!(!tls_failure("host not found") && !tls_failure("connection refused"));
        assert_eq!(
            verify("self signed certificate"),
            "TLS: self-signed certificate"
        );
        for unknown in [
            "unable to get local issuer certificate",
            "self-signed certificate in certificate chain",
            "unable to verify the first certificate",
        ] {
            assert_eq!(
                verify(unknown),
                "TLS: certificate signed by an unknown authority",
                "{unknown}"
            );
        }
        assert_eq!(
            verify("IP address mismatch"),
            "TLS: certificate is not valid for this host"
        );
        assert_eq!(
            verify("hostname mismatch"),
            "TLS: certificate is not valid for this host"
        );
        assert_eq!(
            verify("certificate has expired"),
            "TLS: certificate has expired"
        );
        assert_eq!(
            tls_reason(
                "error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:354:"
            ),
            "TLS: wrong version number"
        );
        assert_eq!(tls_reason("handshake failed"), "TLS: handshake failed");
    }

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(human_size(1 << 20), "1 MiB");
        assert_eq!(human_size(5 << 20), "5 MiB");
        assert_eq!(human_size(64 * 1024), "64 KiB");
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(human_duration(Duration::from_secs(5)), "5s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1500ms");
        let opts = ProbeOptions::default();
        assert_eq!(too_big(&opts), "config.js larger than 1 MiB");
        assert_eq!(no_answer(&opts), "no answer within 5s");
    }

    #[test]
    fn redirect_targets_are_resolved_like_a_browser() {
        let from = "https://p.example.com:3080/web/config.js?x=1";
        assert_eq!(
            resolve(from, "/web/config.js"),
            "https://p.example.com:3080/web/config.js"
        );
        assert_eq!(
            resolve(from, "other.js"),
            "https://p.example.com:3080/web/other.js"
        );
        assert_eq!(resolve("https://p", "x.js"), "https://p/x.js");
        assert_eq!(
            resolve(from, "//q.example.com/x"),
            "https://q.example.com/x"
        );
        assert_eq!(
            resolve(from, " http://p.example.com:3080/y "),
            "http://p.example.com:3080/y"
        );
    }

    #[test]
    fn only_same_origin_redirects_are_followed() {
        let origin = Target::of_url("https://p.example.com:3080/web/config.js").unwrap();
        let from = "https://p.example.com:3080/web/config.js";
        assert_eq!(
            same_origin(from, "/web/config.js?v=2", &origin),
            Ok("https://p.example.com:3080/web/config.js?v=2".into())
        );
        assert_eq!(
            same_origin(from, "https://P.Example.com:3080/x", &origin),
            Ok("https://P.Example.com:3080/x".into())
        );
        for (to, what) in [
            ("http://p.example.com:3080/web/config.js", "another scheme:"),
            (
                "http://p.example.com:8080/web/config.js",
                "another scheme and port:",
            ),
            ("https://evil.example.com:3080/", "another host:"),
            ("https://p.example.com/web/config.js", "another port:"),
            ("//evil.example.com:3080/x", "another host:"),
        ] {
            let why = same_origin(from, to, &origin).unwrap_err();
            assert!(why.contains(what), "{to}: {why}");
            assert!(why.ends_with("not followed"), "{why}");
        }
        let why = same_origin(from, "ftp://p.example.com/", &origin).unwrap_err();
        assert!(why.contains("not an http or https URL"), "{why}");
        let long = format!("https://evil.example.com/{}", "é".repeat(500));
        let why = same_origin(from, &long, &origin).unwrap_err();
        assert!(why.len() < 300, "{}", why.len());
    }
}
