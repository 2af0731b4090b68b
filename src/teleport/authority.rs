//! The host and port of the proxy, read one way for every use: the config.js probe's URL and
//! proxy rules, and the web player's links. Built on `ureq::http::Uri` (already linked for
//! the probe) so that what we accept is what the HTTP client would send.
//!
//! The profile URL comes from `tsh status` and may have been written by an attacker, so
//! anything that is not a plain host with an optional port is an error here, never a URL
//! with a surprise in it.

use std::fmt;
use std::net::Ipv6Addr;

use ureq::http::Uri;
use ureq::http::uri::Authority as UriAuthority;

/// A host and an optional port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// As written, without the brackets of an IPv6 address.
    pub host: String,
    pub port: Option<u16>,
}

/// `http` or `https`: the probe speaks nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

impl Authority {
    /// `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (as a proxy address
    /// may be written, e.g. `::1`). User info, paths and out-of-range ports are errors.
    pub fn parse(text: &str) -> Result<Authority, &'static str> {
        if let Ok(v6) = text.parse::<Ipv6Addr>() {
            return Ok(Authority {
                host: v6.to_string(),
                port: None,
            });
        }
        if text.contains('@') {
            return Err("it has user info");
        }
        let parsed: UriAuthority = text.parse().map_err(|_| "it is not a host[:port]")?;
        from_uri_authority(&parsed)
    }

    /// The scheme and authority of an `http://` or `https://` URL; user info is dropped, as
    /// an HTTP client drops it from the Host header.
    pub fn of_url(url: &str) -> Result<(Scheme, Authority), &'static str> {
        let uri: Uri = url.parse().map_err(|_| "it is not a URL")?;
        let scheme = match uri.scheme_str() {
            Some("https") => Scheme::Https,
            Some("http") => Scheme::Http,
            Some(_) => return Err("it is not an http or https URL"),
            None => return Err("it is not a URL"),
        };
        let authority = uri.authority().ok_or("it has no host")?;
        Ok((scheme, from_uri_authority(authority)?))
    }

    /// The port, or the scheme's default.
    pub fn port_or(&self, scheme: Scheme) -> u16 {
        self.port.unwrap_or(scheme.default_port())
    }

    pub fn is_ipv6(&self) -> bool {
        self.host.contains(':')
    }
}

fn from_uri_authority(a: &UriAuthority) -> Result<Authority, &'static str> {
    let host = a.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err("it has no host");
    }
    let host_port = a.as_str().rsplit_once('@').map_or(a.as_str(), |(_, hp)| hp);
    // `Uri` reads an empty, non-numeric or out-of-range port as no port at all.
    let has_port = host_port.len() > a.host().len();
    let port = match (has_port, a.port_u16()) {
        (false, _) => None,
        (true, Some(port)) => Some(port),
        (true, None) => return Err("its port is not a number from 0 to 65535"),
    };
    Ok(Authority {
        host: host.to_owned(),
        port,
    })
}

/// host[:port] as it goes into a URL: an IPv6 host in brackets.
impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ipv6() {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(host: &str, port: Option<u16>) -> Authority {
        Authority {
            host: host.into(),
            port,
        }
    }

    #[test]
    fn addresses() {
        for (text, want) in [
            ("teleport.example.com", auth("teleport.example.com", None)),
            (
                "teleport.example.com:443",
                auth("teleport.example.com", Some(443)),
            ),
            ("[::1]:3080", auth("::1", Some(3080))),
            ("[fe80::1]", auth("fe80::1", None)),
            ("::1", auth("::1", None)),
            ("my_host:443", auth("my_host", Some(443))),
            ("10.0.0.1:3080", auth("10.0.0.1", Some(3080))),
        ] {
            assert_eq!(Authority::parse(text), Ok(want.clone()), "{text}");
        }
        for bad in [
            "",
            ":443",
            "h:",
            "h:p",
            "h:99999",
            "u@h",
            "h/x",
            "a b",
            "[::1",
            "evil\u{1b}.com",
            "::1:3080x",
        ] {
            assert!(Authority::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        let url = |u: &str| Authority::of_url(u);
        assert_eq!(
            url("https://Teleport.Example.com/web/config.js"),
            Ok((Scheme::Https, auth("Teleport.Example.com", None)))
        );
        assert_eq!(
            url("HTTP://127.0.0.1:3080/x?y#z"),
            Ok((Scheme::Http, auth("127.0.0.1", Some(3080))))
        );
        assert_eq!(
            url("https://u:p@h.example.com:8443"),
            Ok((Scheme::Https, auth("h.example.com", Some(8443))))
        );
        assert_eq!(
            url("https://[::1]:3080/"),
            Ok((Scheme::Https, auth("::1", Some(3080))))
        );
        for bad in [
            "",
            "not a url",
            "x/web",
            "ftp://x/",
            "https:///x",
            "https://h:/x",
            "https://h:p/",
            "https://h:99999/",
            "https://[::1/",
            "https://::1",
            "//h:1/x",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_hosts_are_bracketed_in_urls() {
        assert_eq!(auth("::1", Some(3080)).to_string(), "[::1]:3080");
        assert_eq!(auth("::1", None).to_string(), "[::1]");
        assert_eq!(
            auth("t.example.com", Some(443)).to_string(),
            "t.example.com:443"
        );
        assert_eq!(auth("t.example.com", None).to_string(), "t.example.com");
        assert_eq!(auth("h", None).port_or(Scheme::Https), 443);
        assert_eq!(auth("h", Some(8)).port_or(Scheme::Http), 8);
    }
}
