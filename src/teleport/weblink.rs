//! The web UI's session player:
//! `https://<proxy>/web/cluster/<cluster>/session/<sid>?recordingType=<type>&durationMs=<ms>`.
//!
//! The proxy address and the cluster name come from `tsh status` and may be hostile, so the
//! link is built only from a proxy that reads as a plain host[:port], and the cluster name is
//! one percent-encoded path segment that cannot climb out of `/cluster/` (`..` is encoded too:
//! browsers resolve a literal one before sending the request).

use std::fmt::Write;

use super::authority::Authority;
use crate::error::Error;
use crate::session::{Kind, Session};

/// Why an app session has nothing to replay or download anywhere (SPEC 4.1): said wherever
/// one is asked for.
pub const APP_EVENTS: &str = "Teleport keeps an app session's requests as audit events, not as a recording that tsh play, tctl recordings download or the web player could use";

/// Why there is no player link, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoLink {
    /// The web UI audits app sessions as events; there is no recording to play.
    App,
    /// Never build a link from an id that is not a canonical UUID.
    NotCanonical(String),
    /// The active profile has no proxy address.
    NoProxy,
    /// The active profile's proxy address is not a plain host[:port].
    BadProxy { proxy: String, why: &'static str },
    /// `tsh status` named no cluster.
    NoCluster,
}

impl NoLink {
    /// What happened, why, and what to do next. Not a `From` impl: `?` on an `Error` result
    /// elsewhere would then need type annotations.
    pub fn into_error(self) -> Error {
        let relogin =
            "check `tsh status`, or log in again with `tsh login --proxy=<proxy address>`";
        match self {
            // `link` says this with the session's id before it asks for a link.
            NoLink::App => {
                Error::failure("the web UI has no player for app sessions").because(APP_EVENTS)
            }
            NoLink::NotCanonical(id) => Error::failure(format!(
                "cannot build a web player link for {id:?}: it is not a canonical session id"
            ))
            .hint("pass the full session id (a UUID) as `tsh-review recent` lists it"),
            NoLink::NoProxy => Error::failure(
                "cannot build a web player link: the active tsh profile has no proxy address",
            )
            .hint(relogin),
            NoLink::BadProxy { proxy, why } => Error::failure(format!(
                "cannot build a web player link: the active tsh profile's proxy address {proxy:?} is not a plain host[:port]"
            ))
            .because(why)
            .hint(relogin),
            NoLink::NoCluster => Error::failure(
                "cannot build a web player link: `tsh status` names no cluster for the active profile",
            )
            .hint(relogin),
        }
    }
}

/// The player link. `proxy` is host[:port] as in the tsh profile.
pub fn player_url(proxy: &str, cluster: &str, s: &Session) -> Result<String, NoLink> {
    let kind = match s.kind {
        Kind::Ssh => Some("ssh"),
        Kind::K8s => Some("k8s"),
        Kind::Desktop => Some("desktop"),
        Kind::Db => Some("database"),
        Kind::App => return Err(NoLink::App),
        // The web UI's name for a kind this version does not know is unknown too, and the
        // base path plays without it (SPEC 4.5).
        Kind::Other(_) => None,
    };
    if !s.id().is_canonical() {
        return Err(NoLink::NotCanonical(s.id().to_string()));
    }
    let proxy = proxy.trim_end_matches('/');
    if proxy.trim().is_empty() {
        return Err(NoLink::NoProxy);
    }
    let authority = Authority::parse(proxy).map_err(|why| NoLink::BadProxy {
        proxy: proxy.to_owned(),
        why,
    })?;
    if cluster.trim().is_empty() {
        return Err(NoLink::NoCluster);
    }
    let base = format!(
        "https://{authority}/web/cluster/{}/session/{}",
        segment(cluster),
        s.id()
    );
    Ok(match (kind, s.duration_ms()) {
        (Some(kind), Some(ms)) => format!("{base}?recordingType={kind}&durationMs={ms}"),
        _ => base,
    })
}

/// One path segment: everything but RFC 3986 unreserved characters and ':' percent-encoded, and the
/// dot segments `.` and `..` encoded whole, so the segment can never mean "this" or "parent".
fn segment(text: &str) -> String {
    if text == "." || text == ".." {
        return "%2E".repeat(text.len());
    }
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Origin;

    fn session(kind: Kind) -> Session {
        let mut s = Session::new("0b3f1c2e-9d4a-4c1e-8f00-123456789abc", kind, Origin::Ls);
        s.start = "2026-06-03T10:00:00Z".parse().unwrap();
        s.end = "2026-06-03T10:01:00.5Z".parse().unwrap();
        s
    }

    #[test]
    fn links_name_the_web_ui_recording_type_and_duration() {
        assert_eq!(
            player_url(
                "teleport.example.com:443",
                "teleport.example.com",
                &session(Kind::Db)
            )
            .unwrap(),
            "https://teleport.example.com:443/web/cluster/teleport.example.com/session/0b3f1c2e-9d4a-4c1e-8f00-123456789abc?recordingType=database&durationMs=60500"
        );
        let mut s = session(Kind::K8s);
        s.end = crate::session::Time::NONE;
        assert!(
            player_url("p", "c", &s)
                .unwrap()
                .ends_with("/session/0b3f1c2e-9d4a-4c1e-8f00-123456789abc")
        );
        assert!(
            player_url("p", "c", &session(Kind::from_name("mcp")))
                .unwrap()
                .ends_with("/session/0b3f1c2e-9d4a-4c1e-8f00-123456789abc"),
            "no recording type is guessed for a kind this version does not know"
        );
    }

    #[test]
    fn no_links_for_apps_junk_ids_or_hostile_names() {
        assert_eq!(player_url("p", "c", &session(Kind::App)), Err(NoLink::App));
        let s = Session::new("../../admin", Kind::Ssh, Origin::Ls);
        assert_eq!(
            player_url("p", "c", &s),
            Err(NoLink::NotCanonical("../../admin".into()))
        );
        let url = player_url("p", "a/b?x=<y>\u{202e}", &session(Kind::Ssh)).unwrap();
        assert!(
            url.contains("/cluster/a%2Fb%3Fx%3D%3Cy%3E%E2%80%AE/"),
            "{url}"
        );
    }

    #[test]
    fn dot_segments_cannot_climb_out_of_the_cluster() {
        let s = session(Kind::Ssh);
        let url = player_url("p", "..", &s).unwrap();
        assert!(
            url.starts_with("https://p/web/cluster/%2E%2E/session/"),
            "{url}"
        );
        let url = player_url("p", ".", &s).unwrap();
        assert!(
            url.starts_with("https://p/web/cluster/%2E/session/"),
            "{url}"
        );
        let url = player_url("p", "...", &s).unwrap();
        assert!(
            url.starts_with("https://p/web/cluster/.../session/"),
            "{url}"
        );
        assert!(
            player_url("p", "a.b", &s)
                .unwrap()
                .contains("/cluster/a.b/")
        );
    }

    #[test]
    fn ipv6_proxies_are_bracketed() {
        let s = session(Kind::Ssh);
        for proxy in ["[::1]:3080", "[::1]:3080/"] {
            assert!(
                player_url(proxy, "c", &s)
                    .unwrap()
                    .starts_with("https://[::1]:3080/web/cluster/c/"),
                "{proxy}"
            );
        }
        assert!(
            player_url("::1", "c", &s)
                .unwrap()
                .starts_with("https://[::1]/web/cluster/c/")
        );
    }

    #[test]
    fn unusable_profiles_say_what_is_wrong() {
        let s = session(Kind::Ssh);
        assert_eq!(player_url("", "c", &s), Err(NoLink::NoProxy));
        assert_eq!(player_url("/", "c", &s), Err(NoLink::NoProxy));
        assert_eq!(player_url("p", "", &s), Err(NoLink::NoCluster));
        assert_eq!(player_url("p", "  ", &s), Err(NoLink::NoCluster));
        for bad in ["evil\u{1b}.com", "h:99999", "a b:443", "[::1"] {
            assert!(
                matches!(player_url(bad, "c", &s), Err(NoLink::BadProxy { ref proxy, .. }) if proxy == bad),
                "{bad}"
            );
        }
        let e = NoLink::NoCluster.into_error();
        assert!(e.what.contains("names no cluster"), "{}", e.what);
        assert!(e.next.as_deref().unwrap().contains("tsh login"));
    }
}
