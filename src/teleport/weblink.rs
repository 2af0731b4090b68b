//! The web UI's session player:
//! `https://<proxy>/web/cluster/<cluster>/session/<sid>?recordingType=<type>&durationMs=<ms>`.

use crate::session::{Kind, Session, is_canonical_id};

/// The player link, or None for sessions the web UI cannot play (apps) or ids that are not
/// canonical UUIDs (never build a link from junk). `proxy` is host[:port].
pub fn player_url(proxy: &str, cluster: &str, s: &Session) -> Option<String> {
    let kind = match s.kind {
        Kind::Ssh => "ssh",
        Kind::K8s => "k8s",
        Kind::Desktop => "desktop",
        Kind::Db => "database",
        Kind::App => return None,
    };
    if !is_canonical_id(&s.id) || proxy.is_empty() || cluster.is_empty() {
        return None;
    }
    let base = format!(
        "https://{}/web/cluster/{}/session/{}",
        segment(proxy.trim_end_matches('/')),
        segment(cluster),
        s.id
    );
    Some(match s.duration_ms() {
        Some(ms) => format!("{base}?recordingType={kind}&durationMs={ms}"),
        None => base,
    })
}

/// Percent-encodes everything but RFC 3986 unreserved characters (and ':' for host:port).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Origin;

    fn session(kind: Kind) -> Session {
        let mut s = Session::new(
            "0b3f1c2e-9d4a-4c1e-8f00-123456789abc".into(),
            kind,
            Origin::Ls,
        );
        s.start = Some("2026-06-03T10:00:00Z".parse().unwrap());
        s.end = Some("2026-06-03T10:01:00.5Z".parse().unwrap());
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
        s.end = None;
        assert!(
            player_url("p", "c", &s)
                .unwrap()
                .ends_with("/session/0b3f1c2e-9d4a-4c1e-8f00-123456789abc")
        );
    }

    #[test]
    fn no_links_for_apps_junk_ids_or_hostile_names() {
        assert_eq!(player_url("p", "c", &session(Kind::App)), None);
        let mut s = session(Kind::Ssh);
        s.id = "../../admin".into();
        assert_eq!(player_url("p", "c", &s), None);
        let url = player_url("p", "a/b?x=<y>\u{202e}", &session(Kind::Ssh)).unwrap();
        assert!(
            url.contains("/cluster/a%2Fb%3Fx%3D%3Cy%3E%E2%80%AE/"),
            "{url}"
        );
    }
}
