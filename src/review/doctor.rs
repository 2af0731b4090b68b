//! `doctor`: checks, one by one, everything tsh-review depends on, and says what to fix.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use crate::error::Exit;
use crate::teleport::ls::LsQuery;
use crate::teleport::probe::{ProbeOptions, Verdict, probe, tls_failure};
use crate::teleport::search::SearchQuery;
use crate::teleport::tctl::Tctl;
use crate::teleport::tsh::{Tsh, version_at_least};
use crate::teleport::{Cluster, NoSummary, Searched};
use crate::window::utc_date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }
}

/// One verdict. `detail` may quote tsh/tctl/config.js: raw here, escaped when rendered.
#[derive(Debug, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    /// The exit status this failure maps to.
    #[serde(skip)]
    pub exit: Option<Exit>,
}

fn check(check: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        check,
        status,
        detail: detail.into(),
        exit: None,
    }
}

pub struct Inputs {
    pub tsh: Result<std::path::PathBuf, String>,
    pub tctl: Result<std::path::PathBuf, String>,
    pub timeout: Duration,
    pub insecure: bool,
    pub now: Timestamp,
}

pub fn run(i: Inputs) -> Vec<Check> {
    let mut out = Vec::new();
    let tsh = match i.tsh {
        Ok(path) => {
            let tsh = Tsh {
                path,
                timeout: i.timeout,
            };
            Some(tsh)
        }
        Err(e) => {
            out.push(check("tsh", Status::Fail, e));
            None
        }
    };
    let mut proxy_version = None;
    if let Some(tsh) = &tsh {
        match tsh.versions() {
            Ok(v) => {
                proxy_version = v.proxy.clone();
                out.push(check(
                    "tsh",
                    Status::Ok,
                    format!(
                        "{} (v{})",
                        tsh.path.display(),
                        v.client.as_deref().unwrap_or("unknown")
                    ),
                ));
            }
            Err(e) => out.push(check(
                "tsh",
                Status::Warn,
                format!("{}: {}", tsh.path.display(), e.what),
            )),
        }
    }
    let tctl = match i.tctl {
        Ok(path) => {
            out.push(check("tctl", Status::Ok, path.display().to_string()));
            Some(Tctl {
                path,
                timeout: i.timeout,
            })
        }
        Err(e) => {
            out.push(check("tctl", Status::Fail, e));
            None
        }
    };

    let profile = match &tsh {
        None => {
            out.push(check("login", Status::Skip, "no tsh"));
            None
        }
        Some(tsh) => match tsh.status(i.now) {
            Ok(p) => {
                let until = p
                    .valid_until
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "unknown".into());
                out.push(check(
                    "login",
                    Status::Ok,
                    format!(
                        "{} on cluster {} via {}, valid until {until}",
                        p.username, p.cluster, p.proxy
                    ),
                ));
                Some(p)
            }
            // Only a missing or expired login is one: tsh dying, hanging or printing garbage
            // is a failure of its own, said in its words.
            Err(e) if e.exit == Exit::Login => {
                let mut c = check(
                    "login",
                    Status::Fail,
                    format!("{} (run `tsh login --proxy=<proxy address>`)", e.brief()),
                );
                c.exit = Some(Exit::Login);
                out.push(c);
                None
            }
            Err(e) => {
                let mut c = check("login", Status::Fail, e.brief());
                c.exit = Some(e.exit);
                out.push(c);
                None
            }
        },
    };

    out.push(match proxy_version.as_deref() {
        None if profile.is_some() => check(
            "proxy version",
            Status::Skip,
            "tsh did not report the proxy version (`tsh version` shows none: is the proxy reachable?)",
        ),
        None => check(
            "proxy version",
            Status::Skip,
            "tsh did not report the proxy version (needs a login)",
        ),
        Some(v) => match version_at_least(v, (18, 8, 0)) {
            Some(true) => check(
                "proxy version",
                Status::Ok,
                format!("v{v} (search needs v18.8.0+)"),
            ),
            Some(false) => check(
                "proxy version",
                Status::Warn,
                format!("v{v}: session search needs a v18.8.0+ proxy"),
            ),
            None => check(
                "proxy version",
                Status::Warn,
                format!("cannot read the version {v:?}"),
            ),
        },
    });

    out.push(match &profile {
        None => check(
            "edition",
            Status::Skip,
            "no active login, so no proxy to ask",
        ),
        Some(p) => {
            let opts = ProbeOptions {
                insecure: i.insecure,
                ..ProbeOptions::default()
            };
            match probe(&p.proxy, &opts, i.now, true).1 {
                Verdict::Available => check(
                    "edition",
                    Status::Ok,
                    "Enterprise with Identity Security, session summarization and Access Graph on",
                ),
                Verdict::Impossible(why) => check("edition", Status::Warn, why),
                Verdict::NotEnabled(todo) => check(
                    "edition",
                    Status::Warn,
                    format!("licensed, but: {}", todo.join(", ")),
                ),
                Verdict::Unknown(why) => check("edition", Status::Warn, why),
                // --insecure answers a certificate problem only, not a name or a network.
                Verdict::Unreachable(why) => {
                    let hint = if tls_failure(&why) {
                        "; --insecure for a dev cluster with a self-signed certificate"
                    } else {
                        ""
                    };
                    check(
                        "edition",
                        Status::Skip,
                        format!("config.js not reachable ({why}){hint}"),
                    )
                }
            }
        }
    });

    match &tctl {
        None => {
            out.push(check("list recordings", Status::Skip, "no tctl"));
            out.push(check("search", Status::Skip, "no tctl"));
        }
        Some(tctl) => {
            let q = LsQuery {
                from: utc_date(i.now),
                to: None,
                limit: 1,
            };
            out.push(match tctl.ls(&q, &mut |_| {}) {
                Ok(_) => check("list recordings", Status::Ok, "tctl recordings ls works"),
                Err(e) => {
                    let mut c = check(
                        "list recordings",
                        Status::Fail,
                        format!(
                            "{}{}",
                            e.brief(),
                            e.next
                                .as_deref()
                                .map(|n| format!("; {n}"))
                                .unwrap_or_default()
                        ),
                    );
                    c.exit = Some(e.exit);
                    c
                }
            });
            // A week back, so that a summarized session is likely found to try a summary on.
            let week_ago = i
                .now
                .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
                .unwrap_or(i.now);
            let q = SearchQuery {
                from: Some(utc_date(week_ago)),
                limit: 1,
                ..SearchQuery::default()
            };
            let mut summarized = None;
            let searched = tctl.search(&q, &mut |s| {
                summarized = summarized
                    .take()
                    .or_else(|| s.session_id.as_deref().map(str::to_owned))
            });
            out.push(match &searched {
                Ok(Searched::Done(_)) => {
                    check("search", Status::Ok, "tctl recordings search works")
                }
                Ok(Searched::Unavailable(said)) => {
                    let mut c = check(
                        "search",
                        Status::Warn,
                        format!(
                            "unavailable: {said}; search-based commands fall back to recordings ls"
                        ),
                    );
                    c.exit = Some(Exit::SearchUnavailable);
                    c
                }
                Err(e) => check("search", Status::Warn, e.brief()),
            });
            out.push(summaries(tctl, &searched, summarized.as_deref()));
        }
    }
    out
}

/// Whether AI summaries can be read: tried on the session search found, since only summarized
/// sessions are searchable.
fn summaries(
    tctl: &Tctl,
    searched: &Result<Searched, crate::error::Error>,
    id: Option<&str>,
) -> Check {
    const NAME: &str = "summaries";
    match (searched, id) {
        (Ok(Searched::Done(_)), Some(id)) => match tctl.summary(id) {
            Ok(_) => check(
                NAME,
                Status::Ok,
                "tctl recordings summary works (show and --explain read them)",
            ),
            Err(NoSummary::NotSummarized) => check(
                NAME,
                Status::Warn,
                "search found a session but tctl has no summary for it",
            ),
            Err(none @ (NoSummary::OldTctl | NoSummary::Denied(_) | NoSummary::Failed(_))) => {
                check(NAME, Status::Warn, none.line())
            }
            Err(none) => check(NAME, Status::Skip, none.line()),
        },
        (Ok(Searched::Done(_)), None) => check(
            NAME,
            Status::Skip,
            "no summarized session in the last 7 days to try one on",
        ),
        _ => check(
            NAME,
            Status::Skip,
            "summaries need session search (see above)",
        ),
    }
}

/// 0 when everything works; the first failure's status; 5 when only search is missing.
pub fn exit(checks: &[Check]) -> Option<Exit> {
    if let Some(c) = checks.iter().find(|c| c.status == Status::Fail) {
        return Some(c.exit.unwrap_or(Exit::Failure));
    }
    checks
        .iter()
        .find(|c| c.exit == Some(Exit::SearchUnavailable))
        .map(|_| Exit::SearchUnavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_worst_check() {
        let ok = || check("x", Status::Ok, "");
        assert_eq!(exit(&[ok(), ok()]), None);
        let mut denied = check("list", Status::Fail, "");
        denied.exit = Some(Exit::Denied);
        let mut search = check("search", Status::Warn, "");
        search.exit = Some(Exit::SearchUnavailable);
        assert_eq!(exit(&[ok(), search]), Some(Exit::SearchUnavailable));
        assert_eq!(exit(&[denied, ok()]), Some(Exit::Denied));
        assert_eq!(
            exit(&[check("tctl", Status::Fail, "")]),
            Some(Exit::Failure)
        );
    }
}
