//! The capability probe (SPEC 4.4): `GET https://<proxy>/web/config.js`, which needs no login,
//! tells the edition and whether Identity Security, session summarization and Access Graph
//! are on, i.e. whether `recordings search` can work before trying it.
//!
//! The probe is advisory: any failure (offline, TLS, timeout, a redirect off the proxy, odd
//! body) makes it `Unreachable` with a short reason, and the runtime error of the search is
//! the backstop. It never panics and never outlives its timeout.
//!
//! - `config`: what config.js says, and the verdict.
//! - `fetch`: the HTTP exchange (system trust store, same-origin redirects only).
//! - `proxy_env`: which HTTP proxy to use, by Go's rules rather than ureq's, so that the probe
//!   takes tsh's path (the reasons are in that file).
//! - `cache`: verified answers, reused per proxy for six hours.

mod cache;
mod config;
mod fetch;
mod proxy_env;

use std::time::Duration;

use jiff::Timestamp;

use super::authority::Authority;
use cache::{Probed, probe_cached};
pub use config::{Capability, ENABLE_SUMMARIZATION, Verdict, parse_config_js, verdict};
pub use fetch::tls_failure;

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Skip TLS verification (`--insecure`, like `tsh --insecure`). Nothing fetched so is
    /// cached.
    pub insecure: bool,
    /// The whole exchange: DNS, connect, TLS, request, redirects, and reading the body.
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

/// `https://{proxy}/web/config.js`, with an IPv6 host in brackets.
pub fn config_url(proxy: &str) -> String {
    match Authority::parse(proxy) {
        Ok(authority) => format!("https://{authority}/web/config.js"),
        Err(_) => format!("https://{proxy}/web/config.js"),
    }
}

/// Fetch and judge `url`. Never panics, never runs much past `opts.timeout`; every failure is
/// `Verdict::Unreachable` with a short reason (raw: the caller escapes it).
pub fn probe_url(url: &str, opts: &ProbeOptions) -> (Option<Capability>, Verdict) {
    let probed = fetch_and_judge(url, opts);
    (probed.capability, probed.verdict)
}

fn fetch_and_judge(url: &str, opts: &ProbeOptions) -> Probed {
    match fetch::fetch(url, opts) {
        Ok(fetched) => match parse_config_js(&fetched.body) {
            Ok(c) => Probed {
                verdict: verdict(&c),
                capability: Some(c),
                verified: fetched.verified,
            },
            Err(e) => unreachable(format!("config.js is not in the expected format: {e}")),
        },
        Err(reason) => unreachable(reason),
    }
}

fn unreachable(reason: String) -> Probed {
    Probed {
        capability: None,
        verdict: Verdict::Unreachable(reason),
        verified: false,
    }
}

/// `https://{proxy}/web/config.js`, judged, and cached per proxy for [`CACHE_TTL`] in
/// `crate::cache::dir()` as `probe-<proxy>.json` when the answer was verified (see `cache`).
/// `fresh` skips reading the cache (a verified result is still stored). A `proxy` that is not
/// a plain host[:port] is refused without any request.
pub fn probe(
    proxy: &str,
    opts: &ProbeOptions,
    now: Timestamp,
    fresh: bool,
) -> (Option<Capability>, Verdict) {
    if !plain_host_port(proxy) {
        return (None, Verdict::Unreachable("invalid proxy address".into()));
    }
    let dir = crate::cache::dir();
    probe_cached(dir.as_deref(), proxy, now, fresh, || {
        fetch_and_judge(&config_url(proxy), opts)
    })
}

/// The cached verdict for `proxy`, if a recent verified probe left one: never touches the
/// network, so explaining a failed search costs nothing.
pub fn cached(proxy: &str, now: Timestamp) -> Option<Verdict> {
    if !plain_host_port(proxy) {
        return None;
    }
    let dir = crate::cache::dir();
    match probe_cached(dir.as_deref(), proxy, now, false, || {
        unreachable("not cached".into())
    }) {
        (_, Verdict::Unreachable(_)) => None,
        (_, v) => Some(v),
    }
}

/// A host name, IPv4 or (bracketed) IPv6 address with an optional port: nothing that could
/// carry user info, a path or a second URL.
fn plain_host_port(proxy: &str) -> bool {
    !proxy.is_empty()
        && proxy.len() <= 300
        && proxy
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b))
        && Authority::parse(proxy).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_addresses_must_be_plain() {
        for ok in [
            "teleport.example.com",
            "teleport.example.com:443",
            "10.0.0.1:3080",
            "[::1]:3080",
            "::1",
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
            cache::file_name("teleport.example.com:443").unwrap(),
            "probe-teleport.example.com_443.json"
        );
        assert_eq!(
            cache::file_name("[::1]:3080").unwrap(),
            "probe-___1__3080.json"
        );
    }

    #[test]
    fn config_urls_bracket_ipv6() {
        assert_eq!(
            config_url("teleport.example.com:443"),
            "https://teleport.example.com:443/web/config.js"
        );
        assert_eq!(config_url("[::1]:3080"), "https://[::1]:3080/web/config.js");
        assert_eq!(config_url("::1"), "https://[::1]/web/config.js");
    }

    #[test]
    fn an_invalid_proxy_address_makes_no_request() {
        let now: Timestamp = "2026-06-03T21:00:00Z".parse().unwrap();
        let (_, v) = probe("a@b", &ProbeOptions::default(), now, false);
        assert_eq!(v, Verdict::Unreachable("invalid proxy address".into()));
        assert_eq!(cached("a@b", now), None);
    }
}
