//! `hunt TECHNIQUE`: sweeps for known attacker techniques with built-in queries (or a custom
//! `--query`, or exact `--keyword` tokens), results triaged by severity.

use jiff::Timestamp;

use super::Listing;
use super::fetch::Fetch;
use super::fetch::riskiest_first;
use super::search::{Reach, only_summarized, search_or_list};
use crate::error::Error;
use crate::session::Kind;
use crate::teleport::search::SearchQuery;
use crate::window::{Window, WindowArgs};

pub struct Technique {
    pub name: &'static str,
    pub about: &'static str,
    pub query: &'static str,
    pub kinds: &'static [Kind],
}

/// The built-in sweeps. Queries are written for hybrid (keyword + semantic) search.
pub const TECHNIQUES: &[Technique] = &[
    Technique {
        name: "privesc",
        about: "privilege escalation: sudo to root, su, setuid binaries",
        query: "privilege escalation, sudo to root, su, setuid binary, chmod u+s, pkexec",
        kinds: &[],
    },
    Technique {
        name: "persistence",
        about: "persistence: cron, systemd units, shell profiles, encoded payloads",
        query: "persistence via cron, crontab, systemd unit or timer, rc.local, bashrc, base64-encoded payload",
        kinds: &[],
    },
    Technique {
        name: "ssh-tamper",
        about: "SSH tampering: sshd_config, authorized_keys, new keys",
        query: "modified sshd_config or authorized_keys, added ssh key, ssh-keygen",
        kinds: &[],
    },
    Technique {
        name: "exfil",
        about: "bulk data export from databases (pg_dump, COPY TO, SELECT INTO OUTFILE)",
        query: "bulk database export, pg_dump, mysqldump, COPY TO file, SELECT INTO OUTFILE, large data download",
        kinds: &[Kind::Db],
    },
    Technique {
        name: "secrets",
        about: "secrets or personal data shown on the terminal",
        query: "secrets or personal data printed to the terminal, /etc/shadow, private keys, AWS credentials, tokens, passwords",
        kinds: &[],
    },
    Technique {
        name: "kernel",
        about: "kernel modules and kernel parameters (insmod, modprobe, sysctl)",
        query: "kernel module loaded or removed, insmod, modprobe, rmmod, sysctl kernel parameter change",
        kinds: &[],
    },
    Technique {
        name: "recon",
        about: "reconnaissance: whoami, id, uname, port scans, enumeration",
        query: "reconnaissance, whoami, id, uname -a, nmap port scan, enumeration of users and hosts",
        kinds: &[],
    },
];

pub fn technique(name: &str) -> Option<&'static Technique> {
    TECHNIQUES.iter().find(|t| t.name == name)
}

/// What to hunt for: a built-in technique, a custom query, or exact keyword tokens.
#[derive(Clone, Debug, PartialEq)]
pub enum Sweep {
    Technique(&'static str),
    Query(String),
    Keywords(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct HuntArgs {
    pub window: WindowArgs,
    pub sweep: Sweep,
    pub kinds: Vec<Kind>,
    /// The best matches to keep.
    pub limit: u32,
    pub no_fallback: bool,
}

pub fn hunt(
    fetch: Fetch<'_>,
    args: &HuntArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let mut query = SearchQuery {
        kinds: args.kinds.clone(),
        ..SearchQuery::default()
    };
    let title = match &args.sweep {
        Sweep::Technique(name) => {
            let t = technique(name).expect("validated by the parser");
            query.words = vec![t.query.to_owned()];
            if query.kinds.is_empty() {
                query.kinds = t.kinds.to_vec();
            }
            format!("Hunt {}: {}", t.name, t.about)
        }
        Sweep::Query(text) => {
            query.words = vec![text.clone()];
            "Hunt: custom query".to_owned()
        }
        Sweep::Keywords(tokens) => {
            query.words = tokens.clone();
            query.search_mode = Some("keyword".into());
            "Hunt: exact keywords".to_owned()
        }
    };
    let reach = Reach::Best(args.limit);
    let found = search_or_list(fetch, &query, window, now, args.no_fallback, reach)?;
    let mut sessions = found.sessions;
    let mut notes = found.notes;
    riskiest_first(&mut sessions);
    if found.searched && sessions.is_empty() && !found.capped {
        notes.push(only_summarized(fetch.cluster, window, now)?);
    }
    let title = if found.searched {
        title
    } else {
        format!("{title} (no search on this cluster: recordings to review by hand)")
    };
    let mut listing = Listing::of_search(window, found.searched, sessions, notes, title);
    // Every recording of the window is not a hunt result: a script that reads the exit
    // status must not take it for matches.
    listing.stand_in = !found.searched;
    Ok(listing)
}

/// `hunt --list`: every built-in technique with its query and kinds.
pub fn catalogue() -> String {
    let mut out = String::from("Built-in hunts (tsh-review hunt TECHNIQUE):\n\n");
    for t in TECHNIQUES {
        out.push_str(&format!(
            "  {:12} {}\n  {:12} query: {}\n",
            t.name, t.about, "", t.query
        ));
        if !t.kinds.is_empty() {
            let kinds: Vec<&str> = t.kinds.iter().map(|k| k.as_str()).collect();
            out.push_str(&format!("  {:12} kinds: {}\n", "", kinds.join(", ")));
        }
    }
    out.push_str("\nOr: --query TEXT for your own sweep, --keyword TOKEN for exact tokens.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, summary};

    fn args(sweep: Sweep) -> HuntArgs {
        HuntArgs {
            window: WindowArgs::default(),
            sweep,
            kinds: vec![],
            limit: 50,
            no_fallback: false,
        }
    }

    fn window() -> Window {
        Window {
            from: "2026-05-27T21:00:00Z".parse().unwrap(),
            to: NOW.parse().unwrap(),
        }
    }

    #[test]
    fn techniques_are_unique_and_exfil_targets_databases() {
        let mut names: Vec<&str> = TECHNIQUES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TECHNIQUES.len());
        assert_eq!(technique("exfil").unwrap().kinds, [Kind::Db]);
    }

    #[test]
    fn a_technique_sends_its_query_and_kinds() {
        let c = Canned::with_summaries(vec![
            summary("a", "db", "2026-06-03T10:00:00Z", None),
            summary("b", "db", "2026-06-03T11:00:00Z", Some(4)),
        ]);
        let l = hunt(
            Fetch::rows(&c),
            &args(Sweep::Technique("exfil")),
            window(),
            NOW.parse().unwrap(),
        )
        .unwrap();
        let q = &c.searches.borrow()[0];
        assert!(q.words[0].contains("pg_dump"));
        assert_eq!(q.kinds, [Kind::Db]);
        assert_eq!(q.search_mode, None);
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["b", "a"], "triaged: scored first, unscored kept");
    }

    #[test]
    fn keywords_use_keyword_mode() {
        let c = Canned::with_summaries(vec![]);
        hunt(
            Fetch::rows(&c),
            &args(Sweep::Keywords(vec!["insmod".into()])),
            window(),
            NOW.parse().unwrap(),
        )
        .unwrap();
        let q = &c.searches.borrow()[0];
        assert_eq!(q.search_mode.as_deref(), Some("keyword"));
        assert_eq!(q.words, ["insmod"]);
    }
}
