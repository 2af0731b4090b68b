//! The user's active login and the client/proxy versions, from `tsh status` and `tsh version`
//! (SPEC 4.3). Everything read here was printed by tsh and may have been written by an
//! attacker (a profile URL, a cluster name): it is kept raw and escaped at render time.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use super::command::Program;
use super::lenient::{opt, or_empty};
use crate::error::{Error, Exit};
use crate::text::sanitize::escape;

/// More than any real `tsh status`/`tsh version` prints; a flood is cut here, not in memory.
const MAX_OUTPUT: u64 = 4 << 20;

/// The active tsh profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// `profile_url` as tsh printed it, e.g. `https://teleport.example.com:443`.
    pub proxy_url: String,
    /// host[:port] from `proxy_url` (port kept as written; scheme, user info and path dropped),
    /// e.g. `teleport.example.com:443`.
    pub proxy: String,
    /// Empty when tsh did not say.
    pub cluster: String,
    /// Empty when tsh did not say.
    pub username: String,
    pub roles: Vec<String>,
    pub valid_until: Option<Timestamp>,
}

impl Profile {
    /// True when the login is known to have expired at `now`.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.valid_until.is_some_and(|v| v <= now)
    }
}

/// host[:port] of a URL: no scheme, no user info, no path, query or fragment.
fn host_port(url: &str) -> String {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    authority.to_owned()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStatus {
    active: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawProfile {
    #[serde(deserialize_with = "opt")]
    profile_url: Option<String>,
    #[serde(deserialize_with = "opt")]
    cluster: Option<String>,
    #[serde(deserialize_with = "opt")]
    username: Option<String>,
    #[serde(deserialize_with = "or_empty")]
    roles: Vec<String>,
    #[serde(deserialize_with = "opt")]
    valid_until: Option<Timestamp>,
}

/// `tsh status --format=json`: `{"active": {...}, "profiles": [...]}`. Ok(None) when there is no
/// active profile (absent, null, or not an object). Unknown fields are ignored and fields of
/// the wrong type read as absent; an active profile without a `profile_url` is an error
/// (nothing can be done with it). Not JSON, or not an object: Err.
pub fn parse_status_json(text: &[u8]) -> Result<Option<Profile>, String> {
    let status: RawStatus =
        match serde_json::from_slice::<Value>(text).map_err(|e| e.to_string())? {
            Value::Object(map) => {
                serde_json::from_value(Value::Object(map)).map_err(|e| e.to_string())?
            }
            _ => return Err("expected a JSON object".into()),
        };
    let Some(active @ Value::Object(_)) = status.active else {
        return Ok(None);
    };
    let raw: RawProfile = serde_json::from_value(active).map_err(|e| e.to_string())?;
    let proxy_url = raw
        .profile_url
        .filter(|u| !u.trim().is_empty())
        .ok_or("the active profile has no profile_url")?;
    Ok(Some(Profile {
        proxy: host_port(&proxy_url),
        proxy_url,
        cluster: raw.cluster.unwrap_or_default(),
        username: raw.username.unwrap_or_default(),
        roles: raw.roles,
        valid_until: raw.valid_until,
    }))
}

/// Client and proxy versions, as tsh reports them (raw text, no leading `v`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Versions {
    pub client: Option<String>,
    /// Only when tsh reached the proxy (needs a login).
    pub proxy: Option<String>,
    pub proxy_address: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVersion {
    #[serde(deserialize_with = "opt")]
    version: Option<String>,
    #[serde(rename = "proxyVersion", deserialize_with = "opt")]
    proxy_version: Option<String>,
    #[serde(rename = "proxyPublicAddress", deserialize_with = "opt")]
    proxy_public_address: Option<String>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// `tsh version --format=json`: `version`, `gitref`, `runtime`, and when the proxy answered
/// `proxyVersion`, `proxyPublicAddress`. Empty strings read as absent. Not a JSON object: Err.
pub fn parse_version_json(text: &[u8]) -> Result<Versions, String> {
    let raw: RawVersion = match serde_json::from_slice::<Value>(text).map_err(|e| e.to_string())? {
        v @ Value::Object(_) => serde_json::from_value(v).map_err(|e| e.to_string())?,
        _ => return Err("expected a JSON object".into()),
    };
    Ok(Versions {
        client: non_empty(raw.version),
        proxy: non_empty(raw.proxy_version),
        proxy_address: non_empty(raw.proxy_public_address),
    })
}

/// Whether a Teleport version ("18.8.1", "v18.8.0", "18.8.0-dev.3", "19.0.0-alpha.1+abc") is
/// at least `min`. Missing minor/patch read as 0 ("18" is 18.0.0). A pre-release is below
/// its own release (18.8.0-dev < 18.8.0) but above anything older. None when unparseable.
pub fn version_at_least(version: &str, min: (u64, u64, u64)) -> Option<bool> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = v.split_once('+').map_or(v, |(core, _)| core);
    let (core, pre) = match v.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (v, None),
    };
    let mut nums = [0u64; 3];
    let mut parts = core.split('.');
    for (i, part) in parts.by_ref().take(3).enumerate() {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        nums[i] = part.parse().ok()?;
    }
    if parts.next().is_some() || pre.is_some_and(str::is_empty) {
        return None;
    }
    let have = (nums[0], nums[1], nums[2]);
    Some(have > min || (have == min && pre.is_none()))
}

/// The `tsh` binary, for `status` and `version`.
pub struct Tsh {
    pub path: PathBuf,
    pub timeout: Duration,
}

fn read_bounded(out: &mut dyn Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    out.take(MAX_OUTPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_OUTPUT {
        return Err("more output than any real tsh prints".into());
    }
    Ok(bytes)
}

/// The status of a program that stopped at Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: i32 = 130;

impl Tsh {
    fn program(&self) -> Program<'_> {
        Program {
            tool: "tsh",
            path: &self.path,
            timeout: self.timeout,
        }
    }

    /// The active profile, from `tsh status --format=json`. No active profile, or one that
    /// expired before `now`: an `Exit::Login` error telling to run `tsh login`. (Real tsh exits
    /// 1 with "Not logged in." or "Active profile expired."; `Program::call` maps those.)
    pub fn status(&self, now: Timestamp) -> Result<Profile, Error> {
        let args = ["status".to_owned(), "--format=json".to_owned()];
        let profile = self.program().call("tsh status", &args, |out| {
            parse_status_json(&read_bounded(out)?)
        })?;
        let Some(profile) = profile else {
            return Err(Error::new(
                Exit::Login,
                "not logged in to Teleport: tsh has no active profile",
            )
            .because("tsh-review uses your active tsh profile to reach the cluster")
            .hint("run `tsh login --proxy=<proxy address>`, then try again"));
        };
        if profile.expired(now) {
            let until = profile
                .valid_until
                .map(|t| t.to_string())
                .unwrap_or_default();
            return Err(Error::new(Exit::Login, "your Teleport login has expired")
                .because(format!("the active tsh profile was valid until {until}"))
                .hint(format!(
                    "run `tsh login --proxy={}`, then try again",
                    escape(&profile.proxy)
                )));
        }
        Ok(profile)
    }

    /// `tsh play [--speed S] [--format F] TARGET` with the terminal handed over (stdin and
    /// stdout inherited); stderr is captured so tsh's errors can be explained. Returns tsh's
    /// exit code. `target` is a canonical session id or a downloaded file's path.
    /// Replay a recording on the terminal; `Ok` holds tsh's exit status when it ended without a
    /// failure to report (0, or [`INTERRUPTED`]).
    pub fn play(
        &self,
        target: &str,
        speed: Option<&str>,
        format: Option<&str>,
    ) -> Result<i32, Error> {
        let mut cmd = std::process::Command::new(&self.path);
        cmd.arg("play");
        if let Some(s) = speed {
            cmd.arg(format!("--speed={s}"));
        }
        if let Some(f) = format {
            cmd.arg(format!("--format={f}"));
        }
        cmd.arg(target);
        // tsh gets the terminal and its signals, as when run by hand, and no deadline.
        let (status, stderr) = super::process::run_foreground(&mut cmd).map_err(|e| {
            Error::failure(format!("cannot run {}: {e}", self.path.display()))
                .hint("check the path given with --tsh or TSH, or install tsh")
        })?;
        if let Some(sig) = std::os::unix::process::ExitStatusExt::signal(&status) {
            // Interrupted or killed: end the same way, so the shell sees what tsh saw.
            crate::signals::die_like_child(sig);
        }
        if status.success() {
            return Ok(0);
        }
        if status.code() == Some(INTERRUPTED) {
            // Quit with Ctrl-C, as tsh reports it: nothing went wrong.
            return Ok(INTERRUPTED);
        }
        let said = super::errors::message(&stderr);
        let refusal = super::command::Refusal {
            failure: super::errors::classify(&said),
            said,
            code: status.code(),
        };
        Err(self.program().refused("tsh play", &refusal))
    }

    /// `tsh play --format=text SID`: the bytes the user's terminal received, handed to
    /// `consume` in chunks as they stream (never held whole, never written to disk), bounded
    /// by --timeout.
    pub fn replay_text(
        &self,
        sid: &str,
        consume: &mut dyn FnMut(&[u8]),
    ) -> Result<(), super::NoReplay> {
        use super::NoReplay;
        if !crate::session::is_canonical_id(sid) {
            return Err(NoReplay::Failed(
                "the session id is not a canonical UUID".into(),
            ));
        }
        let args = vec![
            "play".to_owned(),
            "--format=text".to_owned(),
            sid.to_owned(),
        ];
        let read = |out: &mut dyn Read| {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match out.read(&mut buf) {
                    Ok(0) => return Ok(()),
                    Ok(n) => consume(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
        };
        let what = "tsh play --format=text";
        match self.program().try_call(what, &args, read) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(r)) => Err(match r.failure {
                super::errors::Failure::RecordingNotFound => NoReplay::NotFound,
                super::errors::Failure::AccessDenied => NoReplay::Denied,
                super::errors::Failure::NotLoggedIn => {
                    NoReplay::NotLoggedIn(self.program().refused(what, &r))
                }
                // With tsh's own first line: escaped where it is shown.
                _ => NoReplay::Failed(self.program().refused(what, &r).brief()),
            }),
            Err(e) if super::command::timed_out(&e) => Err(NoReplay::TimedOut),
            Err(e) => Err(NoReplay::Failed(e.what.clone())),
        }
    }

    /// Client and proxy versions, from `tsh version --format=json`.
    pub fn versions(&self) -> Result<Versions, Error> {
        let args = ["version".to_owned(), "--format=json".to_owned()];
        self.program().call("tsh version", &args, |out| {
            parse_version_json(&read_bounded(out)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = r#"{
  "active": {
    "profile_url": "https://teleport.example.com:443",
    "username": "alice@example.com",
    "active_requests": [],
    "cluster": "teleport.example.com",
    "roles": ["access", "auditor"],
    "traits": {"logins": ["alice", "root", "ubuntu"]},
    "logins": ["alice", "root", "ubuntu"],
    "kubernetes_enabled": true,
    "kubernetes_users": ["alice"],
    "databases": [],
    "valid_until": "2026-06-04T05:00:00Z",
    "extensions": ["permit-pty", "private-key-policy"],
    "active": true
  },
  "profiles": [
    {
      "profile_url": "https://staging.example.net:443",
      "username": "alice@example.com",
      "cluster": "staging.example.net",
      "roles": ["access"],
      "valid_until": "2026-06-01T21:00:00Z"
    }
  ]
}"#;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn status_json_active_profile() {
        let p = parse_status_json(STATUS.as_bytes()).unwrap().unwrap();
        assert_eq!(
            p,
            Profile {
                proxy_url: "https://teleport.example.com:443".into(),
                proxy: "teleport.example.com:443".into(),
                cluster: "teleport.example.com".into(),
                username: "alice@example.com".into(),
                roles: vec!["access".into(), "auditor".into()],
                valid_until: Some(ts("2026-06-04T05:00:00Z")),
            }
        );
        assert!(!p.expired(ts("2026-06-03T21:00:00Z")));
        assert!(p.expired(ts("2026-06-04T05:00:00Z")));
    }

    #[test]
    fn status_json_without_active_profile() {
        for text in [
            r#"{"active": null, "profiles": []}"#,
            r#"{"profiles": [{"profile_url": "https://x:443"}]}"#,
            r#"{"active": "alice"}"#,
            r#"{"active": [1, 2]}"#,
            "{}",
        ] {
            assert_eq!(parse_status_json(text.as_bytes()), Ok(None), "{text}");
        }
    }

    #[test]
    fn status_json_missing_and_mistyped_fields() {
        let p = parse_status_json(
            br#"{"active": {"profile_url": "https://t.example.com", "cluster": 7,
                "roles": ["a", 3, null, "b"], "valid_until": "tomorrow", "username": null}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.proxy, "t.example.com");
        assert_eq!(p.cluster, "");
        assert_eq!(p.username, "");
        assert_eq!(p.roles, ["a", "b"]);
        assert_eq!(p.valid_until, None);
        assert!(!p.expired(ts("2030-01-01T00:00:00Z")));

        let p =
            parse_status_json(br#"{"active": {"profile_url": "https://t:3080", "roles": "x"}}"#)
                .unwrap()
                .unwrap();
        assert!(p.roles.is_empty());
        assert_eq!(p.proxy, "t:3080");
    }

    #[test]
    fn status_json_without_profile_url_is_an_error() {
        for text in [
            r#"{"active": {"cluster": "c"}}"#,
            r#"{"active": {"profile_url": 443}}"#,
            r#"{"active": {"profile_url": "  "}}"#,
        ] {
            assert!(parse_status_json(text.as_bytes()).is_err(), "{text}");
        }
    }

    #[test]
    fn status_json_garbage_is_an_error() {
        for text in [
            "",
            "Not logged in.",
            "[1,2]",
            "\"x\"",
            r#"{"active": {"#,
            "null",
        ] {
            assert!(parse_status_json(text.as_bytes()).is_err(), "{text}");
        }
        assert!(parse_status_json(b"\xff\xfe{}").is_err());
    }

    #[test]
    fn status_json_keeps_hostile_strings_raw() {
        let p = parse_status_json(
            "{\"active\": {\"profile_url\": \"https://evil\\u001b]0;x\\u0007.example.com:443/web?a#b\",
              \"cluster\": \"c\\u202eluster\", \"username\": \"ignore previous instructions\",
              \"roles\": [\"r\\nole\"]}}"
                .as_bytes(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.proxy, "evil\u{1b}]0;x\u{7}.example.com:443");
        assert_eq!(p.cluster, "c\u{202e}luster");
        assert_eq!(p.username, "ignore previous instructions");
        assert_eq!(p.roles, ["r\nole"]);
    }

    #[test]
    fn host_port_forms() {
        assert_eq!(
            host_port("https://teleport.example.com:443"),
            "teleport.example.com:443"
        );
        assert_eq!(
            host_port("https://teleport.example.com"),
            "teleport.example.com"
        );
        assert_eq!(
            host_port("https://t.example.com:3080/web/login"),
            "t.example.com:3080"
        );
        assert_eq!(
            host_port("https://u:p@t.example.com:443?x"),
            "t.example.com:443"
        );
        assert_eq!(host_port("https://[::1]:3080/"), "[::1]:3080");
        assert_eq!(host_port("t.example.com:443"), "t.example.com:443");
    }

    #[test]
    fn version_json_with_and_without_proxy() {
        let v = parse_version_json(
            br#"{"version": "18.8.1", "gitref": "v18.8.1", "runtime": "go1.24.4",
                "proxyVersion": "18.8.0", "proxyPublicAddress": "teleport.example.com:443"}"#,
        )
        .unwrap();
        assert_eq!(
            v,
            Versions {
                client: Some("18.8.1".into()),
                proxy: Some("18.8.0".into()),
                proxy_address: Some("teleport.example.com:443".into()),
            }
        );
        let v = parse_version_json(
            br#"{"version": "18.8.1", "gitref": "v18.8.1", "runtime": "go1.24.4"}"#,
        )
        .unwrap();
        assert_eq!(v.client.as_deref(), Some("18.8.1"));
        assert_eq!(v.proxy, None);
        assert_eq!(v.proxy_address, None);
    }

    #[test]
    fn version_json_odd_fields() {
        let v = parse_version_json(
            br#"{"version": 18, "proxyVersion": "", "proxyPublicAddress": null}"#,
        )
        .unwrap();
        assert_eq!(v, Versions::default());
        let v = parse_version_json("{\"proxyVersion\": \"18.8.0\\u001b[31m\"}".as_bytes()).unwrap();
        assert_eq!(v.proxy.as_deref(), Some("18.8.0\u{1b}[31m"));
        for text in ["", "Teleport v18.8.1", "[]", "{\"version\": \"18\"", "3"] {
            assert!(parse_version_json(text.as_bytes()).is_err(), "{text}");
        }
    }

    /// Runs `child_tsh` in a child process of this test binary with the fake tsh steered by
    /// `vars` (environment variables are process-global, so they are set only there).
    fn with_fake_tsh(vars: &[(&str, &str)], want: &str) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "teleport::tsh::tests::child_tsh",
                "--exact",
                "--test-threads=1",
            ])
            .env(CHILD, want)
            .env("FAKE_NOW", CHILD_NOW)
            .env_remove("FAKE_TSH_SCENARIO")
            .env_remove("FAKE_VALID_UNTIL")
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{vars:?} -> {want}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    const CHILD: &str = "TSH_REVIEW_TSH_TEST_CHILD";
    const CHILD_NOW: &str = "2026-06-03T21:00:00Z";

    /// Not a test on its own: the body of the child processes of `with_fake_tsh`.
    #[test]
    fn child_tsh() {
        let Some(want) = std::env::var_os(CHILD) else {
            return;
        };
        let tsh = Tsh {
            path: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fakes/bin/tsh"),
            timeout: Duration::from_secs(30),
        };
        let now = ts(CHILD_NOW);
        match want.to_str().unwrap() {
            "ok" => {
                let p = tsh.status(now).unwrap();
                assert_eq!(p.proxy, "teleport.example.com:443");
                assert_eq!(p.proxy_url, "https://teleport.example.com:443");
                assert_eq!(p.cluster, "teleport.example.com");
                assert_eq!(p.username, "alice");
                assert_eq!(p.valid_until, Some(ts("2026-06-04T05:00:00Z")));
                let v = tsh.versions().unwrap();
                assert!(v.client.is_some());
                assert_eq!(v.proxy.as_deref(), Some("18.8.1"));
                assert_eq!(v.proxy_address.as_deref(), Some("teleport.example.com:443"));
            }
            "no-proxy-version" => {
                let v = tsh.versions().unwrap();
                assert!(v.client.is_some());
                assert_eq!(v.proxy, None);
            }
            "login" => {
                let e = tsh.status(now).unwrap_err();
                assert_eq!(e.exit, Exit::Login, "{e}");
                assert!(e.to_string().contains("tsh login --proxy="), "{e}");
            }
            "expired" => {
                let e = tsh.status(now).unwrap_err();
                assert_eq!(e.exit, Exit::Login, "{e}");
                assert!(e.to_string().contains("expired"), "{e}");
                assert!(
                    e.to_string()
                        .contains("`tsh login --proxy=teleport.example.com:443`"),
                    "{e}"
                );
            }
            "failure" => {
                let e = tsh.status(now).unwrap_err();
                assert_eq!(e.exit, Exit::Failure, "{e}");
            }
            other => panic!("unknown child mode {other}"),
        }
    }

    #[test]
    fn status_and_versions_from_the_fake_tsh() {
        with_fake_tsh(&[], "ok");
        with_fake_tsh(&[("FAKE_TSH_SCENARIO", "no-proxy")], "no-proxy-version");
        for scenario in [
            "not-logged-in",
            "no-profile",
            "expired-profile",
            "expired-creds",
        ] {
            with_fake_tsh(&[("FAKE_TSH_SCENARIO", scenario)], "login");
        }
        // tsh exits 0 but the profile ran out before our "now".
        with_fake_tsh(&[("FAKE_VALID_UNTIL", "2026-06-03T20:59:59Z")], "expired");
        for scenario in ["garbage", "truncated"] {
            with_fake_tsh(&[("FAKE_TSH_SCENARIO", scenario)], "failure");
        }
    }

    #[test]
    fn version_gate() {
        let min = (18, 8, 0);
        let at = |v| version_at_least(v, min);
        assert_eq!(at("18.8.0"), Some(true));
        assert_eq!(at("18.7.9"), Some(false));
        assert_eq!(at("v18.8.1"), Some(true));
        assert_eq!(at("18.8.0-dev.1"), Some(false));
        assert_eq!(at("18.8.0-dev.3"), Some(false));
        assert_eq!(at("18.8.1-dev.1"), Some(true));
        assert_eq!(at("19.0.0"), Some(true));
        assert_eq!(at("19.0.0-alpha.1+abc"), Some(true));
        assert_eq!(at("18.8.0+build.5"), Some(true));
        assert_eq!(at("18.10.0"), Some(true));
        assert_eq!(at("17.99.99"), Some(false));
        assert_eq!(at(" 18.8.2 "), Some(true));
        assert_eq!(at("18"), Some(false));
        assert_eq!(version_at_least("18", (18, 0, 0)), Some(true));
        assert_eq!(at("18.9"), Some(true));
        assert_eq!(at("abc"), None);
        assert_eq!(at(""), None);
        assert_eq!(at("v"), None);
        assert_eq!(at("18..0"), None);
        assert_eq!(at("18.8.0.1"), None);
        assert_eq!(at("18.8.0-"), None);
        assert_eq!(at("-18.8.0"), None);
        assert_eq!(at("+18.8.0"), None);
        assert_eq!(at("99999999999999999999999.0.0"), None);
    }
}
