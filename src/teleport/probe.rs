//! The capability probe (SPEC 4.4): `GET https://<proxy>/web/config.js`, which needs no login,
//! tells the edition and whether Identity Security, session summarization and Access Graph
//! are on, i.e. whether `recordings search` can work before trying it.
//!
//! The probe is advisory: any failure (offline, TLS, timeout, odd body) makes it
//! `Unreachable` with a short reason, and the runtime error of the search is the backstop.
//! It never panics and never outlives its timeout. Strings from config.js are kept raw
//! here and escaped by whoever renders them.
//!
//! Network rules, chosen to match what tsh (Go's net/http) does on the same machine:
//! - TLS is verified against ureq's bundled Mozilla roots, or, when `SSL_CERT_FILE` names a
//!   PEM file, against the certificates in that file *instead* (ureq cannot add roots to its
//!   bundled set; like OpenSSL, the variable replaces the default bundle). `insecure` turns
//!   verification off, like `tsh --insecure`.
//! - Proxies come from `HTTPS_PROXY`/`https_proxy` (`HTTP_PROXY`/`http_proxy` for an http://
//!   URL) and `NO_PROXY`/`no_proxy`, decided here with Go's rules rather than ureq's: entries
//!   are trimmed, `*` matches all, `example.com` matches it and its subdomains,
//!   `.example.com` only subdomains, IPs and CIDR ranges match addresses, an optional `:port`
//!   must match, and loopback addresses and `localhost` are never proxied. SOCKS proxies are
//!   not supported (ureq is built without them): the probe then reports that.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::net::IpAddr;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Map, Value};
use ureq::tls::{PemItem, RootCerts, TlsConfig};
use ureq::{Agent, Proxy, ProxyProtocol};

/// What config.js says about the cluster; `None` where it did not say (or said something of
/// the wrong type).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Capability {
    /// `ent`, `oss`, `community` (raw).
    pub edition: Option<String>,
    /// `identitySecurity.licensed`, else `entitlements.Identity.enabled`.
    pub licensed: Option<bool>,
    /// `identitySecurity.sessionSummarizationEnabled`, else top-level
    /// `sessionSummarizerEnabled`.
    pub summarization: Option<bool>,
    /// `identitySecurity.accessGraphConfigSet`.
    pub access_graph: Option<bool>,
    /// Whether an `identitySecurity` object was present at all.
    pub identity_block: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Available,
    /// Not Enterprise, or Identity Security not licensed.
    Impossible(String),
    /// Licensed, but summarization and/or Access Graph are off: what to turn on, from
    /// [`ENABLE_SUMMARIZATION`] and [`FINISH_ACCESS_GRAPH`].
    NotEnabled(Vec<&'static str>),
    /// Enterprise without an identitySecurity block (some Enterprise Cloud tenants), or no
    /// edition at all: can't tell; the runtime error is the backstop.
    Unknown(String),
    /// The probe did not get an answer (offline, TLS failure, timeout, bad body): it is
    /// skipped, and the reason said.
    Unreachable(String),
}

pub const ENABLE_SUMMARIZATION: &str = "enable session summarization";
pub const FINISH_ACCESS_GRAPH: &str = "finish Access Graph setup";

/// How long a probe result is reused (per proxy).
pub const CACHE_TTL: Duration = Duration::from_secs(6 * 3600);

/// Larger than any cache file we write.
const MAX_CACHE_FILE: u64 = 64 * 1024;
/// Larger than any real CA bundle.
const MAX_CERT_FILE: u64 = 16 << 20;

/// Strip `var GRV_CONFIG = ` (also `window.GRV_CONFIG =`, `let`/`const`, any spacing, or
/// nothing when the body is bare JSON) and the trailing `;`, and read the JSON object.
/// Anything after the object other than `;` and whitespace is an error, so a truncated or
/// foreign body is never half-read.
pub fn parse_config_js(body: &str) -> Result<Capability, String> {
    let root = config_object(body)?;
    let bool_at = |obj: Option<&Map<String, Value>>, key: &str| {
        obj.and_then(|o| o.get(key)).and_then(Value::as_bool)
    };
    let identity = root.get("identitySecurity").and_then(Value::as_object);
    let entitled = root
        .get("entitlements")
        .and_then(|e| e.get("Identity"))
        .and_then(Value::as_object);
    Ok(Capability {
        edition: root
            .get("edition")
            .and_then(Value::as_str)
            .map(str::to_owned),
        licensed: bool_at(identity, "licensed").or(bool_at(entitled, "enabled")),
        summarization: bool_at(identity, "sessionSummarizationEnabled")
            .or(bool_at(Some(&root), "sessionSummarizerEnabled")),
        access_graph: bool_at(identity, "accessGraphConfigSet"),
        identity_block: identity.is_some(),
    })
}

fn config_object(body: &str) -> Result<Map<String, Value>, String> {
    let s = body.trim_start_matches('\u{feff}').trim();
    let json = if s.starts_with('{') {
        s
    } else {
        let mut rest = s;
        for keyword in ["var", "let", "const"] {
            if let Some(r) = rest.strip_prefix(keyword)
                && r.starts_with(char::is_whitespace)
            {
                rest = r.trim_start();
                break;
            }
        }
        rest = rest.strip_prefix("window").map_or(rest, |r| {
            r.trim_start()
                .strip_prefix('.')
                .map_or(rest, str::trim_start)
        });
        rest.strip_prefix("GRV_CONFIG")
            .and_then(|r| r.trim_start().strip_prefix('='))
            .ok_or("it does not assign GRV_CONFIG")?
            .trim_start()
    };
    let mut values = serde_json::Deserializer::from_str(json).into_iter::<Value>();
    let value = match values.next() {
        Some(v) => v.map_err(|e| e.to_string())?,
        None => return Err("GRV_CONFIG is empty".into()),
    };
    let tail = json[values.byte_offset()..].trim();
    let tail = tail.strip_prefix(';').unwrap_or(tail).trim();
    if !tail.is_empty() {
        return Err("unexpected text after the GRV_CONFIG object".into());
    }
    match value {
        Value::Object(map) => Ok(map),
        _ => Err("GRV_CONFIG is not a JSON object".into()),
    }
}

/// The rules of SPEC 4.4; null or absent flags count as off.
pub fn verdict(c: &Capability) -> Verdict {
    let Some(edition) = c.edition.as_deref() else {
        return Verdict::Unknown("config.js does not say which Teleport edition this is".into());
    };
    if edition != "ent" {
        return Verdict::Impossible(format!(
            "the cluster is not Teleport Enterprise (edition \"{edition}\"); session search needs Enterprise with Identity Security"
        ));
    }
    if !c.identity_block {
        return Verdict::Unknown(
            "Teleport Enterprise, but config.js has no identitySecurity block (as on some Enterprise Cloud tenants), so whether session search is licensed and enabled is not known in advance".into(),
        );
    }
    if c.licensed != Some(true) {
        return Verdict::Impossible(
            "Identity Security is not licensed on this cluster; session search needs Teleport Enterprise with Identity Security".into(),
        );
    }
    let mut todo = Vec::new();
    if c.summarization != Some(true) {
        todo.push(ENABLE_SUMMARIZATION);
    }
    if c.access_graph != Some(true) {
        todo.push(FINISH_ACCESS_GRAPH);
    }
    if todo.is_empty() {
        Verdict::Available
    } else {
        Verdict::NotEnabled(todo)
    }
}

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Skip TLS verification (`--insecure`, like `tsh --insecure`).
    pub insecure: bool,
    /// The whole exchange: DNS, connect, TLS, request, and reading the body.
    pub timeout: Duration,
    /// The most body bytes accepted.
    pub max_body: u64,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            insecure: false,
            timeout: Duration::from_secs(5),
            max_body: 1 << 20,
        }
    }
}

/// `https://{proxy}/web/config.js`.
pub fn config_url(proxy: &str) -> String {
    format!("https://{proxy}/web/config.js")
}

/// Fetch and judge `url`. Never panics, never runs much past `opts.timeout`; every failure is
/// `Verdict::Unreachable` with a short reason (raw: the caller escapes it).
pub fn probe_url(url: &str, opts: &ProbeOptions) -> (Option<Capability>, Verdict) {
    match fetch(url, opts) {
        Ok(body) => match parse_config_js(&body) {
            Ok(c) => {
                let v = verdict(&c);
                (Some(c), v)
            }
            Err(e) => unreachable(format!("config.js is not in the expected format: {e}")),
        },
        Err(reason) => unreachable(reason),
    }
}

fn unreachable(reason: String) -> (Option<Capability>, Verdict) {
    (None, Verdict::Unreachable(reason))
}

fn fetch(url: &str, opts: &ProbeOptions) -> Result<String, String> {
    let target = split_url(url).ok_or("invalid URL")?;
    let https = target.scheme == "https";
    let env = |name: &str| std::env::var(name).ok();
    let proxy = match proxy_for(&target, env) {
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
    let mut tls = TlsConfig::builder();
    if opts.insecure {
        tls = tls.disable_verification(true);
    } else if https && let Some(roots) = roots_from_env()? {
        tls = tls.root_certs(roots);
    }
    let agent: Agent = Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(3)
        .proxy(proxy)
        .tls_config(tls.build())
        .user_agent(concat!("tsh-review/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| describe(e, opts, https))?;
    let status = response.status();
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
    String::from_utf8(bytes).map_err(|_| "config.js is not UTF-8 text".into())
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
        E::Rustls(r) => tls_reason(&r.to_string()),
        E::TooManyRedirects => "too many redirects".into(),
        E::BadUri(_) => "invalid URL".into(),
        E::InvalidProxyUrl => "invalid proxy URL".into(),
        E::ConnectionFailed => "connection failed".into(),
        E::Protocol(p) => format!("not an HTTP answer ({p})"),
        other => other.to_string(),
    }
}

fn describe_io(e: &std::io::Error, opts: &ProbeOptions, https: bool) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::TimedOut | K::WouldBlock => no_answer(opts),
        K::ConnectionRefused => "connection refused".into(),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => "connection reset".into(),
        K::UnexpectedEof => "connection closed before a complete answer".into(),
        K::NetworkUnreachable => "network unreachable".into(),
        K::HostUnreachable => "host unreachable".into(),
        // rustls reports a failed handshake (untrusted or mismatched certificate, alert) as
        // invalid data on the stream.
        K::InvalidData if https => tls_reason(&e.to_string()),
        _ if e.to_string().contains("lookup address") => "host not found".into(),
        _ => format!("network error: {e}"),
    }
}

/// rustls names certificate problems by their enum variant (`UnknownIssuer`,
/// `Other(OtherError(CaUsedAsEndEntity))`, `NotValidForNameContext { .. }`): say the common
/// ones in words, keep anything else as rustls said it.
fn tls_reason(text: &str) -> String {
    let known = [
        ("CaUsedAsEndEntity", "self-signed certificate"),
        (
            "UnknownIssuer",
            "certificate signed by an unknown authority",
        ),
        ("NotValidForName", "certificate is not valid for this host"),
        ("NotValidYet", "certificate is not valid yet"),
        ("Expired", "certificate has expired"),
        ("Revoked", "certificate has been revoked"),
    ];
    let said = known
        .iter()
        .find(|(variant, _)| text.contains(variant))
        .map_or(text, |(_, words)| words);
    format!("TLS: {said}")
}

fn no_answer(opts: &ProbeOptions) -> String {
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

/// The trust roots named by `SSL_CERT_FILE`, if it is set (None: use the bundled roots).
fn roots_from_env() -> Result<Option<RootCerts>, String> {
    let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let path = Path::new(&path);
    let shown = path.display();
    let mut pem = Vec::new();
    // O_NONBLOCK: a FIFO named there cannot hang the probe.
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .and_then(|f| f.take(MAX_CERT_FILE).read_to_end(&mut pem))
        .map_err(|e| format!("cannot read SSL_CERT_FILE {shown}: {e}"))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(format!("SSL_CERT_FILE {shown} holds no PEM certificates"));
    }
    Ok(Some(RootCerts::new_with_certs(&certs)))
}

/// The parts of a URL that decide whether to use a proxy.
#[derive(Debug, PartialEq)]
struct Target {
    scheme: String,
    /// Lowercase, without IPv6 brackets.
    host: String,
    port: u16,
}

fn split_url(url: &str) -> Option<Target> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default_port,
    };
    Some(Target {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// The proxy URL to use for `target` and the variable it came from, by Go's
/// `http.ProxyFromEnvironment` rules (see the module notes).
fn proxy_for(
    target: &Target,
    env: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, String)> {
    let names: [&'static str; 2] = if target.scheme == "https" {
        ["HTTPS_PROXY", "https_proxy"]
    } else {
        ["HTTP_PROXY", "http_proxy"]
    };
    let (var, value) = names.into_iter().find_map(|name| {
        env(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .map(|v| (name, v))
    })?;
    let no_proxy = ["NO_PROXY", "no_proxy"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()))
        .unwrap_or_default();
    use_proxy(target, &no_proxy).then_some((var, value))
}

fn use_proxy(target: &Target, no_proxy: &str) -> bool {
    let host = target.host.as_str();
    let ip: Option<IpAddr> = host.parse().ok();
    if host == "localhost" || ip.is_some_and(|ip| ip.is_loopback()) {
        return false;
    }
    let port = target.port.to_string();
    for entry in no_proxy.split(',') {
        let entry = entry.trim().to_ascii_lowercase();
        if entry.is_empty() {
            continue;
        }
        if entry == "*" {
            return false;
        }
        if let Some((net, bits)) = entry.split_once('/') {
            if let (Ok(net), Ok(bits), Some(ip)) = (net.parse::<IpAddr>(), bits.parse::<u8>(), ip)
                && in_cidr(ip, net, bits)
            {
                return false;
            }
            continue;
        }
        let (phost, pport) = split_host_port(&entry);
        if let Ok(pip) = phost.parse::<IpAddr>() {
            if ip == Some(pip) && pport.is_none_or(|p| p == port) {
                return false;
            }
            continue;
        }
        if phost.is_empty() || ip.is_some() {
            continue;
        }
        let phost = phost
            .strip_prefix('*')
            .filter(|p| p.starts_with('.'))
            .unwrap_or(phost);
        let matched = match phost.strip_prefix('.') {
            // `.example.com`: subdomains only.
            Some(_) => host.ends_with(phost),
            // `example.com`: itself and subdomains.
            None => {
                host == phost
                    || host
                        .strip_suffix(phost)
                        .is_some_and(|head| head.ends_with('.'))
            }
        };
        if matched && pport.is_none_or(|p| p == port) {
            return false;
        }
    }
    true
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address.
fn split_host_port(entry: &str) -> (&str, Option<&str>) {
    if let Some(v6) = entry.strip_prefix('[') {
        return match v6.split_once(']') {
            Some((h, rest)) => (h, rest.strip_prefix(':')),
            None => (entry, None),
        };
    }
    match entry.split_once(':') {
        // More than one colon: a bare IPv6 address.
        Some((_, rest)) if rest.contains(':') => (entry, None),
        Some((h, p)) => (h, Some(p)),
        None => (entry, None),
    }
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// `https://{proxy}/web/config.js`, judged, and cached per proxy for [`CACHE_TTL`] in
/// `crate::cache::dir()` as `probe-<proxy>.json` (0600, replaced atomically). Unreachable
/// results are not cached; `fresh` skips reading the cache (the result is still stored). A
/// result fetched with `insecure` is only reused by insecure probes. A `proxy` that is not a
/// plain host[:port] is refused without any request.
pub fn probe(
    proxy: &str,
    opts: &ProbeOptions,
    now: Timestamp,
    fresh: bool,
) -> (Option<Capability>, Verdict) {
    let dir = crate::cache::dir();
    probe_cached(dir.as_deref(), proxy, opts, now, fresh, |url| {
        probe_url(url, opts)
    })
}

/// The cached verdict for `proxy`, if a recent probe left one: never touches the network, so
/// explaining a failed search costs nothing.
pub fn cached(proxy: &str, now: Timestamp) -> Option<Verdict> {
    let dir = crate::cache::dir();
    let opts = ProbeOptions::default();
    match probe_cached(dir.as_deref(), proxy, &opts, now, false, |_| {
        unreachable("not cached".into())
    }) {
        (_, Verdict::Unreachable(_)) => None,
        (_, v) => Some(v),
    }
}

fn probe_cached(
    dir: Option<&Path>,
    proxy: &str,
    opts: &ProbeOptions,
    now: Timestamp,
    fresh: bool,
    fetch: impl FnOnce(&str) -> (Option<Capability>, Verdict),
) -> (Option<Capability>, Verdict) {
    if !plain_host_port(proxy) {
        return unreachable("invalid proxy address".into());
    }
    let file = dir.and_then(|d| cache_file_name(proxy).map(|name| (d, name)));
    if !fresh
        && let Some((dir, name)) = &file
        && let Some(c) = read_cache(dir, name, proxy, opts, now)
    {
        let v = verdict(&c);
        return (Some(c), v);
    }
    let (capability, v) = fetch(&config_url(proxy));
    if let (Some(c), Some((dir, name))) = (&capability, &file)
        && !matches!(v, Verdict::Unreachable(_))
    {
        let entry = CacheEntry {
            proxy: proxy.to_owned(),
            checked_at: now.as_second(),
            verified: !opts.insecure,
            capability: c.clone(),
        };
        write_cache(dir, name, &entry);
    }
    (capability, v)
}

/// A host name, IPv4 or bracketed IPv6 address with an optional port: nothing that could
/// carry user info, a path or a second URL.
fn plain_host_port(proxy: &str) -> bool {
    !proxy.is_empty()
        && proxy.len() <= 300
        && proxy
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b))
        && split_url(&config_url(proxy)).is_some()
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheEntry {
    proxy: String,
    /// Unix seconds.
    checked_at: i64,
    /// False when fetched without TLS verification.
    verified: bool,
    capability: Capability,
}

fn cache_file_name(proxy: &str) -> Option<String> {
    let safe: String = proxy
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (safe.len() <= 200).then(|| format!("probe-{safe}.json"))
}

fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// Ours, and nobody else can write in it.
fn trusted(meta: &fs::Metadata) -> bool {
    meta.uid() == current_uid() && meta.mode() & 0o022 == 0
}

fn read_cache(
    dir: &Path,
    name: &str,
    proxy: &str,
    opts: &ProbeOptions,
    now: Timestamp,
) -> Option<Capability> {
    let dir_meta = fs::metadata(dir).ok()?;
    if !dir_meta.is_dir() || !trusted(&dir_meta) {
        return None;
    }
    // O_NOFOLLOW: never a symlink; O_NONBLOCK: a FIFO planted there cannot hang us.
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(dir.join(name))
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || !trusted(&meta) || meta.len() > MAX_CACHE_FILE {
        return None;
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_CACHE_FILE)
        .read_to_end(&mut bytes)
        .ok()?;
    let entry: CacheEntry = serde_json::from_slice(&bytes).ok()?;
    let age = now.as_second().checked_sub(entry.checked_at)?;
    let fresh_enough = (0..CACHE_TTL.as_secs() as i64).contains(&age);
    let usable = entry.verified || opts.insecure;
    (entry.proxy == proxy && fresh_enough && usable).then_some(entry.capability)
}

/// Best effort: a cache that cannot be written only costs a probe next time.
fn write_cache(dir: &Path, name: &str, entry: &CacheEntry) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .is_err()
    {
        return;
    }
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() && trusted(&meta) => {}
        _ => return,
    }
    let Ok(bytes) = serde_json::to_vec(entry) else {
        return;
    };
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)
        .and_then(|mut f| f.write_all(&bytes));
    if written
        .and_then(|()| fs::rename(&tmp, dir.join(name)))
        .is_err()
    {
        let _ = fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENT_ALL_ON: &str = r#"var GRV_CONFIG = {"auth":{"second_factor":"webauthn","localAuthEnabled":true},"proxyCluster":"teleport.example.com","edition":"ent","isCloud":false,"entitlements":{"AccessGraph":{"enabled":true,"limit":0},"Identity":{"enabled":true,"limit":0}},"identitySecurity":{"licensed":true,"sessionSummarizationEnabled":true,"accessGraphConfigSet":true},"sessionSummarizerEnabled":true,"ui":{"scrollbackLines":1000}};"#;

    fn cap(body: &str) -> Capability {
        parse_config_js(body).unwrap()
    }

    fn judge(body: &str) -> Verdict {
        verdict(&cap(body))
    }

    #[test]
    fn enterprise_all_on_is_available() {
        assert_eq!(
            cap(ENT_ALL_ON),
            Capability {
                edition: Some("ent".into()),
                licensed: Some(true),
                summarization: Some(true),
                access_graph: Some(true),
                identity_block: true,
            }
        );
        assert_eq!(judge(ENT_ALL_ON), Verdict::Available);
    }

    #[test]
    fn prefix_and_suffix_variants() {
        let json = ENT_ALL_ON
            .strip_prefix("var GRV_CONFIG = ")
            .unwrap()
            .strip_suffix(';')
            .unwrap();
        for body in [
            format!("var GRV_CONFIG = {json};"),
            format!("var GRV_CONFIG={json}"),
            format!("\u{feff}\n  var   GRV_CONFIG\t=\n{json} ;\n\n"),
            format!("window.GRV_CONFIG = {json};"),
            format!("window . GRV_CONFIG = {json};"),
            format!("const GRV_CONFIG = {json};"),
            format!("GRV_CONFIG = {json};"),
            json.to_owned(),
        ] {
            assert_eq!(judge(&body), Verdict::Available, "{body:.40}");
        }
    }

    #[test]
    fn oss_and_community_are_impossible() {
        for edition in ["oss", "community"] {
            let body = format!(
                r#"var GRV_CONFIG = {{"edition":"{edition}","entitlements":{{"Identity":{{"enabled":false}}}}}};"#
            );
            let c = cap(&body);
            assert_eq!(c.edition.as_deref(), Some(edition));
            assert_eq!(c.licensed, Some(false));
            assert!(!c.identity_block);
            match verdict(&c) {
                Verdict::Impossible(why) => {
                    assert!(why.contains(&format!("edition \"{edition}\"")), "{why}");
                    assert!(why.contains("Enterprise"), "{why}");
                }
                v => panic!("{v:?}"),
            }
        }
    }

    #[test]
    fn not_licensed_is_impossible() {
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":false,"sessionSummarizationEnabled":true,"accessGraphConfigSet":true}};"#;
        assert!(matches!(judge(body), Verdict::Impossible(why) if why.contains("not licensed")));
    }

    #[test]
    fn licensed_but_summarization_off() {
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":true,"sessionSummarizationEnabled":false,"accessGraphConfigSet":true},"sessionSummarizerEnabled":true};"#;
        assert_eq!(judge(body), Verdict::NotEnabled(vec![ENABLE_SUMMARIZATION]));
    }

    #[test]
    fn licensed_but_access_graph_off() {
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":true,"sessionSummarizationEnabled":true,"accessGraphConfigSet":false}};"#;
        assert_eq!(judge(body), Verdict::NotEnabled(vec![FINISH_ACCESS_GRAPH]));
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":true}};"#;
        assert_eq!(
            judge(body),
            Verdict::NotEnabled(vec![ENABLE_SUMMARIZATION, FINISH_ACCESS_GRAPH])
        );
    }

    #[test]
    fn enterprise_without_identity_block_is_unknown() {
        let body = r#"var GRV_CONFIG = {"edition":"ent","isCloud":true,"entitlements":{"Identity":{"enabled":true}},"sessionSummarizerEnabled":true};"#;
        let c = cap(body);
        assert!(!c.identity_block);
        assert_eq!(c.licensed, Some(true));
        assert_eq!(c.summarization, Some(true));
        assert_eq!(c.access_graph, None);
        assert!(matches!(verdict(&c), Verdict::Unknown(why) if why.contains("identitySecurity")));
        // identitySecurity of the wrong type counts as absent.
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":null};"#;
        assert!(matches!(judge(body), Verdict::Unknown(_)));
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":[true]};"#;
        assert!(matches!(judge(body), Verdict::Unknown(_)));
    }

    #[test]
    fn no_edition_is_unknown() {
        assert!(
            matches!(judge("var GRV_CONFIG = {};"), Verdict::Unknown(why) if why.contains("edition"))
        );
        assert!(matches!(judge(r#"{"edition": 7}"#), Verdict::Unknown(_)));
    }

    #[test]
    fn nulls_and_wrong_types_count_as_off() {
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":true,"sessionSummarizationEnabled":null,"accessGraphConfigSet":"true"},"sessionSummarizerEnabled":null};"#;
        let c = cap(body);
        assert_eq!(c.summarization, None);
        assert_eq!(c.access_graph, None);
        assert_eq!(
            verdict(&c),
            Verdict::NotEnabled(vec![ENABLE_SUMMARIZATION, FINISH_ACCESS_GRAPH])
        );
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":null}};"#;
        assert!(matches!(judge(body), Verdict::Impossible(_)));
        let body = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":1,"sessionSummarizationEnabled":1,"accessGraphConfigSet":1}};"#;
        assert!(matches!(judge(body), Verdict::Impossible(_)));
    }

    #[test]
    fn entitlements_and_top_level_fallbacks() {
        // identitySecurity present but silent on licensing and summarization.
        let body = r#"var GRV_CONFIG = {"edition":"ent","entitlements":{"Identity":{"enabled":true,"limit":0}},"identitySecurity":{"accessGraphConfigSet":true},"sessionSummarizerEnabled":true};"#;
        let c = cap(body);
        assert_eq!(c.licensed, Some(true));
        assert_eq!(c.summarization, Some(true));
        assert_eq!(verdict(&c), Verdict::Available);
        // identitySecurity wins over the fallbacks when it says something.
        let body = r#"var GRV_CONFIG = {"edition":"ent","entitlements":{"Identity":{"enabled":true}},"identitySecurity":{"licensed":false}};"#;
        assert_eq!(cap(body).licensed, Some(false));
        let body = r#"var GRV_CONFIG = {"edition":"ent","entitlements":{"Identity":true}};"#;
        assert_eq!(cap(body).licensed, None);
    }

    #[test]
    fn garbage_and_truncated_bodies_are_errors() {
        let truncated = &ENT_ALL_ON[..ENT_ALL_ON.len() / 2];
        for body in [
            "",
            "   ",
            "<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>",
            "var GRV_CONFIG = ",
            "var GRV_CONFIG = ;",
            "var GRV_CONFIG = [1,2];",
            "var GRV_CONFIG = \"ent\";",
            "var OTHER = {\"edition\":\"ent\"};",
            "var GRV_CONFIGX = {};",
            "varGRV_CONFIG = {};",
            "var GRV_CONFIG {};",
            "var GRV_CONFIG = {\"edition\":\"ent\"}; alert(1);",
            "var GRV_CONFIG = {\"edition\":\"ent\"};;",
            "var GRV_CONFIG = {\"edition\":\"ent\"} {}",
            "var GRV_CONFIG = {'edition':'ent'};",
            truncated,
        ] {
            assert!(parse_config_js(body).is_err(), "{body:?}");
        }
        let deep = format!(
            "var GRV_CONFIG = {}{};",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(parse_config_js(&deep).is_err());
    }

    #[test]
    fn hostile_strings_are_kept_raw() {
        let body = "var GRV_CONFIG = {\"edition\":\"ent\\u001b]0;pwned\\u0007\\u202e\",\"identitySecurity\":{\"licensed\":true}};";
        let c = cap(body);
        assert_eq!(c.edition.as_deref(), Some("ent\u{1b}]0;pwned\u{7}\u{202e}"));
        match verdict(&c) {
            Verdict::Impossible(why) => assert!(why.contains("ent\u{1b}]0;pwned\u{7}\u{202e}")),
            v => panic!("{v:?}"),
        }
        let body = r#"var GRV_CONFIG = {"edition":"ENT","identitySecurity":{"licensed":true}};"#;
        assert!(matches!(judge(body), Verdict::Impossible(_)));
    }

    #[test]
    fn capability_round_trips_through_json() {
        let c = cap(ENT_ALL_ON);
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Capability>(&text).unwrap(), c);
    }

    #[test]
    fn tls_failures_read_well() {
        assert_eq!(
            tls_reason("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))"),
            "TLS: self-signed certificate"
        );
        assert_eq!(
            tls_reason("invalid peer certificate: UnknownIssuer"),
            "TLS: certificate signed by an unknown authority"
        );
        assert_eq!(
            tls_reason("invalid peer certificate: NotValidForNameContext { expected: x }"),
            "TLS: certificate is not valid for this host"
        );
        assert_eq!(
            tls_reason("invalid peer certificate: ExpiredContext { time: 1 }"),
            "TLS: certificate has expired"
        );
        assert_eq!(
            tls_reason("received fatal alert: HandshakeFailure"),
            "TLS: received fatal alert: HandshakeFailure"
        );
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

    fn target(url: &str) -> Target {
        split_url(url).unwrap()
    }

    #[test]
    fn urls_split_into_scheme_host_port() {
        assert_eq!(
            target("https://Teleport.Example.com/web/config.js"),
            Target {
                scheme: "https".into(),
                host: "teleport.example.com".into(),
                port: 443
            }
        );
        assert_eq!(target("http://127.0.0.1:3080/x").port, 3080);
        assert_eq!(target("https://[::1]:3080/x").host, "::1");
        assert_eq!(target("https://[fe80::1]/x").port, 443);
        assert_eq!(
            target("https://u:p@h.example.com:8443").host,
            "h.example.com"
        );
        for bad in [
            "ftp://x/",
            "x/web",
            "https:///x",
            "https://h:99999/",
            "https://h:p/",
            "https://[::1/",
        ] {
            assert_eq!(split_url(bad), None, "{bad}");
        }
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn proxy_variables_by_scheme() {
        let https = target("https://teleport.example.com/web/config.js");
        let http = target("http://teleport.example.com/web/config.js");
        let env = env_of(&[
            ("HTTPS_PROXY", " http://proxy.corp:3128 "),
            ("http_proxy", "http://p2:80"),
        ]);
        assert_eq!(
            proxy_for(&https, &env),
            Some(("HTTPS_PROXY", "http://proxy.corp:3128".into()))
        );
        assert_eq!(
            proxy_for(&http, &env),
            Some(("http_proxy", "http://p2:80".into()))
        );
        let env = env_of(&[
            ("https_proxy", "proxy:1"),
            ("HTTP_PROXY", "proxy:2"),
            ("ALL_PROXY", "p:3"),
        ]);
        assert_eq!(
            proxy_for(&https, &env),
            Some(("https_proxy", "proxy:1".into()))
        );
        let env = env_of(&[
            ("HTTP_PROXY", "proxy:2"),
            ("ALL_PROXY", "p:3"),
            ("HTTPS_PROXY", ""),
        ]);
        assert_eq!(proxy_for(&https, &env), None);
        assert_eq!(proxy_for(&https, env_of(&[])), None);
    }

    #[test]
    fn no_proxy_rules() {
        let uses = |url: &str, no_proxy: &str| use_proxy(&target(url), no_proxy);
        // Loopback and localhost never go through a proxy.
        assert!(!uses("https://127.0.0.1:3080/", ""));
        assert!(!uses("https://127.5.6.7/", ""));
        assert!(!uses("https://[::1]:3080/", ""));
        assert!(!uses("https://localhost:3080/", ""));
        assert!(uses("https://teleport.example.com/", ""));
        // Spaces around entries are trimmed (ureq does not), case is ignored.
        let list = "internal.corp, .example.com ,  Teleport.Example.NET:443,10.0.0.0/8, 192.168.1.5 ,[fd00::1]:3080";
        assert!(!uses("https://teleport.example.com/", list));
        assert!(uses("https://example.com/", list));
        assert!(!uses("https://internal.corp/", list));
        assert!(!uses("https://a.b.internal.corp/", list));
        assert!(uses("https://notinternal.corp/", list));
        assert!(!uses("https://teleport.example.net/", list));
        assert!(uses("https://teleport.example.net:3080/", list));
        assert!(!uses("https://10.20.30.40/", list));
        assert!(uses("https://11.0.0.1/", list));
        assert!(!uses("https://192.168.1.5:3080/", list));
        assert!(uses("https://192.168.1.6/", list));
        assert!(!uses("https://[fd00::1]:3080/", list));
        assert!(uses("https://[fd00::1]:443/", list));
        assert!(!uses("https://x.example.org/", " * "));
        assert!(!uses("https://a.example.org/", "*.example.org"));
        assert!(uses("https://example.org/", "*.example.org"));
        assert!(!uses("https://[fd00::5]/", "fd00::/16"));
        assert!(!uses("https://[fd00::5]/", "fd00::5"));
        assert!(!uses("https://1.2.3.4/", "0.0.0.0/0"));
        assert!(uses("https://1.2.3.4/", "1.2.3.4/33, 1.2.3.4/x, ,,:80, []"));
    }

    #[test]
    fn proxy_addresses_must_be_plain() {
        for ok in [
            "teleport.example.com",
            "teleport.example.com:443",
            "10.0.0.1:3080",
            "[::1]:3080",
            "my_host:443",
        ] {
            assert!(plain_host_port(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.com/x?",
            "user@evil.com",
            "a.com#",
            "a b",
            "a.com:99999",
            "a.com:x",
            "evil\u{1b}.com",
            "[::1",
            &"a".repeat(301),
        ] {
            assert!(!plain_host_port(bad), "{bad}");
        }
        assert_eq!(
            cache_file_name("teleport.example.com:443").unwrap(),
            "probe-teleport.example.com_443.json"
        );
        assert_eq!(
            cache_file_name("[::1]:3080").unwrap(),
            "probe-___1__3080.json"
        );
    }

    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let dir = std::env::temp_dir().join(format!(
                "tsh-review-probe-{tag}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn cache_reuses_answers_for_six_hours() {
        use std::cell::Cell;
        use std::os::unix::fs::PermissionsExt;
        let tmp = TempDir::new("cache");
        let dir = tmp.0.join("cache");
        let opts = ProbeOptions::default();
        let calls = Cell::new(0);
        let answer = |url: &str| {
            assert_eq!(url, "https://teleport.example.com:443/web/config.js");
            calls.set(calls.get() + 1);
            probe_answer(ENT_ALL_ON)
        };
        let t0 = ts("2026-06-03T21:00:00Z");
        let run = |now: Timestamp, fresh: bool| {
            probe_cached(
                Some(&dir),
                "teleport.example.com:443",
                &opts,
                now,
                fresh,
                answer,
            )
        };
        assert_eq!(run(t0, false).1, Verdict::Available);
        assert_eq!(calls.get(), 1);
        let file = dir.join("probe-teleport.example.com_443.json");
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(run(ts("2026-06-04T02:59:59Z"), false).1, Verdict::Available);
        assert_eq!(calls.get(), 1, "served from the cache");
        assert_eq!(run(t0, true).1, Verdict::Available);
        assert_eq!(calls.get(), 2, "fresh skips the cache");
        assert_eq!(run(ts("2026-06-04T03:00:00Z"), false).1, Verdict::Available);
        assert_eq!(calls.get(), 3, "stale after 6h");
        // A clock that went backwards does not trust a result from the future.
        run(ts("2026-06-03T20:00:00Z"), false);
        assert_eq!(calls.get(), 4);
        // No temp files left behind.
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            [std::ffi::OsString::from(
                "probe-teleport.example.com_443.json"
            )]
        );
    }

    fn probe_answer(body: &str) -> (Option<Capability>, Verdict) {
        let c = parse_config_js(body).unwrap();
        let v = verdict(&c);
        (Some(c), v)
    }

    #[test]
    fn unreachable_is_not_cached_and_insecure_results_stay_insecure() {
        let tmp = TempDir::new("unreachable");
        let dir = tmp.0.clone();
        let secure = ProbeOptions::default();
        let insecure = ProbeOptions {
            insecure: true,
            ..ProbeOptions::default()
        };
        let now = ts("2026-06-03T21:00:00Z");
        let down = |_: &str| (None, Verdict::Unreachable("connection refused".into()));
        let r = probe_cached(Some(&dir), "t.example.com", &secure, now, false, down);
        assert_eq!(r.1, Verdict::Unreachable("connection refused".into()));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);

        let oss = r#"var GRV_CONFIG = {"edition":"oss"};"#;
        let r = probe_cached(Some(&dir), "t.example.com", &insecure, now, false, |_| {
            probe_answer(oss)
        });
        assert!(matches!(r.1, Verdict::Impossible(_)));
        // A secure probe does not reuse what an insecure one saw...
        let r = probe_cached(Some(&dir), "t.example.com", &secure, now, false, |_| {
            probe_answer(ENT_ALL_ON)
        });
        assert_eq!(r.1, Verdict::Available);
        // ...but an insecure one reuses what a secure one saw.
        let r = probe_cached(Some(&dir), "t.example.com", &insecure, now, false, |_| {
            panic!("cached")
        });
        assert_eq!(r.1, Verdict::Available);
        // Another proxy whose file name collides is not served this entry.
        probe_cached(Some(&dir), "t.example.com:443", &secure, now, false, |_| {
            probe_answer(oss)
        });
        let r = probe_cached(Some(&dir), "t.example.com_443", &secure, now, false, down);
        assert!(matches!(r.1, Verdict::Unreachable(_)));
        // An invalid proxy address makes no request at all.
        let r = probe_cached(Some(&dir), "a@b", &secure, now, false, |_| {
            panic!("no request")
        });
        assert_eq!(r.1, Verdict::Unreachable("invalid proxy address".into()));
        // No cache directory: still probes.
        let r = probe_cached(None, "t.example.com", &secure, now, false, |_| {
            probe_answer(oss)
        });
        assert!(matches!(r.1, Verdict::Impossible(_)));
    }

    #[test]
    fn untrusted_cache_files_are_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = TempDir::new("untrusted");
        let dir = tmp.0.clone();
        let opts = ProbeOptions::default();
        let now = ts("2026-06-03T21:00:00Z");
        let name = "probe-t.example.com.json";
        let path = dir.join(name);
        let entry = CacheEntry {
            proxy: "t.example.com".into(),
            checked_at: now.as_second(),
            verified: true,
            capability: cap(ENT_ALL_ON),
        };
        write_cache(&dir, name, &entry);
        assert!(read_cache(&dir, name, "t.example.com", &opts, now).is_some());
        // Group-writable file.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o620)).unwrap();
        assert!(read_cache(&dir, name, "t.example.com", &opts, now).is_none());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        // World-writable directory.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        assert!(read_cache(&dir, name, "t.example.com", &opts, now).is_none());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        // A symlink in place of the file.
        let real = dir.join("real.json");
        fs::rename(&path, &real).unwrap();
        std::os::unix::fs::symlink(&real, &path).unwrap();
        assert!(read_cache(&dir, name, "t.example.com", &opts, now).is_none());
        fs::remove_file(&path).unwrap();
        // Corrupt contents.
        fs::write(&path, b"{\"proxy\":").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(read_cache(&dir, name, "t.example.com", &opts, now).is_none());
        // A FIFO does not hang the reader.
        fs::remove_file(&path).unwrap();
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert!(read_cache(&dir, name, "t.example.com", &opts, now).is_none());
    }
}
