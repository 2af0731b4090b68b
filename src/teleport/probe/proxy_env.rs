//! Which proxy the probe goes through, by Go's `http.ProxyFromEnvironment` rules, so that
//! the probe takes the path tsh (a Go program) takes on the same machine.
//!
//! ureq can read the proxy variables itself, but not as Go does: it takes `ALL_PROXY` first
//! and `HTTP_PROXY` for https URLs too (Go uses neither for https), does not trim spaces
//! around `NO_PROXY` entries (`a.com, b.com` never matches `b.com`), ignores CIDR ranges
//! (`10.0.0.0/8`), and proxies loopback addresses. A probe that took another path than tsh
//! would test the wrong thing (a proxy tsh skips, or none where tsh needs one), so the
//! decision is made here and ureq is handed the result.
//!
//! The rules: `HTTPS_PROXY`/`https_proxy` for an https URL (`HTTP_PROXY`/`http_proxy` for
//! http), values trimmed; `NO_PROXY`/`no_proxy` entries are trimmed and case-insensitive, `*`
//! matches all, `example.com` matches it and its subdomains, `.example.com` (or
//! `*.example.com`) only subdomains, IPs and CIDR ranges match addresses, an optional `:port`
//! must match, and loopback addresses and `localhost` are never proxied.

use std::net::IpAddr;

use crate::teleport::authority::{Authority, Scheme};

/// The parts of a URL that decide whether to use a proxy.
#[derive(Debug, PartialEq)]
pub(super) struct Target {
    pub(super) scheme: Scheme,
    /// Lowercase, without IPv6 brackets.
    pub(super) host: String,
    pub(super) port: u16,
}

impl Target {
    pub(super) fn of_url(url: &str) -> Option<Target> {
        let (scheme, authority) = Authority::of_url(url).ok()?;
        Some(Target {
            scheme,
            host: authority.host.to_ascii_lowercase(),
            port: authority.port_or(scheme),
        })
    }
}

/// The proxy URL to use for `target` and the variable it came from, by Go's
/// `http.ProxyFromEnvironment` rules (see the module notes).
pub(super) fn proxy_for(
    target: &Target,
    env: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, String)> {
    let names: [&'static str; 2] = if target.scheme == Scheme::Https {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::of_url(url).unwrap()
    }

    #[test]
    fn urls_split_into_scheme_host_port() {
        assert_eq!(
            target("https://Teleport.Example.com/web/config.js"),
            Target {
                scheme: Scheme::Https,
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
            assert_eq!(Target::of_url(bad), None, "{bad}");
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
}
