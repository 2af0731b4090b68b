//! What `/web/config.js` says (SPEC 4.4), and what that means for session search.
//!
//! Strings from config.js are kept raw here and escaped by whoever renders them.

use serde_json::{Map, Value};

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
}
