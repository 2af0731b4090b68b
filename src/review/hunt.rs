//! `hunt TECHNIQUE`: sweeps for known attacker techniques with built-in queries (or a custom
//! `--query`, or exact `--keyword` tokens), results triaged by severity.

use jiff::Timestamp;

use super::Listing;
use super::fetch::Fetch;
use super::fetch::riskiest_first;
use super::search::{Reach, only_summarized, search_or_list};
use crate::content::Options;
use crate::error::Error;
use crate::session::Kind;
use crate::teleport::search::SearchQuery;
use crate::window::{Window, WindowArgs};

pub struct Technique {
    pub name: &'static str,
    pub about: &'static str,
    /// For session search (hybrid: keyword and semantic).
    pub query: &'static str,
    /// For the recordings' content (`grep --hunt`, and `hunt` without search): regular
    /// expressions over the lines a session displayed, typed and erased.
    pub patterns: &'static [&'static str],
    pub kinds: &'static [Kind],
}

/// The built-in sweeps. Queries are written for hybrid (keyword + semantic) search.
pub const TECHNIQUES: &[Technique] = &[
    Technique {
        name: "privesc",
        about: "privilege escalation: sudo to root, su, setuid binaries",
        query: "privilege escalation, sudo to root, su, setuid binary, chmod u+s, pkexec",
        patterns: &[
            r"\bsudo\b",
            r"\bsu\s+(-|root\b|-l\b|--login\b)|\bsu\s*$",
            r"\bpkexec\b",
            r"\bchmod\s+([ugoa]*\+s|[0-7]?[2467][0-7]{3})\b",
            r"\bsetcap\b",
            r"-perm\s+[-/]?[24]000",
        ],
        kinds: &[],
    },
    Technique {
        name: "persistence",
        about: "persistence: cron, systemd units, shell profiles, encoded payloads",
        query: "persistence via cron, crontab, systemd unit or timer, rc.local, bashrc, base64-encoded payload",
        patterns: &[
            r"\bcrontab\b",
            r"/etc/cron",
            r"\bsystemctl\s+(enable|daemon-reload)\b",
            r"/etc/systemd/system/\S+\.(service|timer)\b",
            r"\.(bashrc|bash_profile|zshrc|profile)\b",
            r"/etc/rc\.local\b",
            r"base64\s+(-d|--decode)\b.*\|\s*(ba|z|da)?sh\b",
        ],
        kinds: &[],
    },
    Technique {
        name: "ssh-tamper",
        about: "SSH tampering: sshd_config, authorized_keys, new keys",
        query: "modified sshd_config or authorized_keys, added ssh key, ssh-keygen",
        patterns: &[
            r"authorized_keys",
            r"sshd_config",
            r"\bssh-keygen\b",
            r"\bPermitRootLogin\b",
        ],
        kinds: &[],
    },
    Technique {
        name: "exfil",
        about: "bulk data export from databases (pg_dump, COPY TO, SELECT INTO OUTFILE)",
        query: "bulk database export, pg_dump, mysqldump, COPY TO file, SELECT INTO OUTFILE, large data download",
        patterns: &[
            r"(?i)\bCOPY\b.*\bTO\b",
            r"\bpg_dump(all)?\b",
            r"\bmysqldump\b",
            r"(?i)\bINTO\s+OUTFILE\b",
        ],
        kinds: &[Kind::Db],
    },
    Technique {
        name: "secrets",
        about: "secrets or personal data shown on the terminal",
        query: "secrets or personal data printed to the terminal, /etc/shadow, private keys, AWS credentials, tokens, passwords",
        patterns: &[
            r"/etc/shadow\b",
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
            r"(?i)\baws_secret_access_key\b",
            r"(?i)\bpassword\s*=",
            r"\.aws/credentials\b",
            r"\.pgpass\b",
            // An environment variable that holds a secret, given a value (as `env` or a
            // `.env` file prints it): a name with SECRET, PASSWORD or PASSWD anywhere in it
            // (DB_SECRET, PGPASSWORD), or TOKEN or a ..._KEY as one of its parts
            // (GITHUB_TOKEN, AWS_ACCESS_KEY_ID), not TOKENIZERS_PARALLELISM or KEYMAP.
            // Upper case and `=` without spaces: prose ("[sudo] password for", "NOPASSWD:")
            // and a mere mention (`echo $GH_TOKEN`) are not assignments.
            r"\b[A-Z0-9_]*(SECRET|PASSWORD|PASSWD|APIKEY)[A-Z0-9_]*=\S",
            r"\b([A-Z0-9]+_)*(TOKEN|[A-Z0-9]+_KEY)(_[A-Z0-9]+)*=\S",
            // Keys by their issuers' prefixes, wherever they are printed: AWS access key
            // ids (long-term and temporary), GitHub tokens, Stripe live keys, Slack tokens.
            r"\b(AKIA|ASIA)[0-9A-Z]{16}\b",
            r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
            r"\bgithub_pat_[A-Za-z0-9_]{22,}",
            r"\b[rs]k_live_[A-Za-z0-9]{10,}",
            r"\bxox[abpors]-[A-Za-z0-9-]{10,}",
        ],
        kinds: &[],
    },
    Technique {
        name: "kernel",
        about: "kernel modules and kernel parameters (insmod, modprobe, sysctl)",
        query: "kernel module loaded or removed, insmod, modprobe, rmmod, sysctl kernel parameter change",
        patterns: &[
            r"\binsmod\b",
            r"\bmodprobe\b",
            r"\brmmod\b",
            r"\bsysctl\s+(-w|--write)\b",
        ],
        kinds: &[],
    },
    Technique {
        name: "recon",
        about: "reconnaissance: whoami, id, uname, port scans, enumeration",
        query: "reconnaissance, whoami, id, uname -a, nmap port scan, enumeration of users and hosts",
        patterns: &[
            r"\bwhoami\b",
            r"(^|[\s;&|])id(\s+-[a-zA-Z]+)?\s*($|[;&|])",
            r"\buname\s+-a\b",
            r"\bnmap\b",
            r"/etc/passwd\b",
        ],
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
    /// Read each hit's recording for the sweep's patterns.
    pub verify: bool,
    /// Replays at once (the content hunt, `--verify`).
    pub jobs: usize,
    /// The content hunt replays non-interactive sessions too.
    pub non_interactive: bool,
}

impl HuntArgs {
    /// The kinds to look in: those asked for, else the technique's own (exfil is a database
    /// technique), else every kind.
    pub fn kinds(&self) -> Vec<Kind> {
        match (&self.sweep, self.kinds.is_empty()) {
            (Sweep::Technique(name), true) => {
                technique(name).map_or(Vec::new(), |t| t.kinds.to_vec())
            }
            _ => self.kinds.clone(),
        }
    }
}

impl Sweep {
    /// What to look for in a recording: a technique's patterns, or the keywords as plain
    /// text in any case. A free-text query has none: only a language model reads it.
    pub fn patterns(&self) -> Option<(Vec<String>, Options)> {
        match self {
            Sweep::Technique(name) => {
                let t = technique(name)?;
                let patterns = t.patterns.iter().map(|p| (*p).to_owned()).collect();
                Some((patterns, Options::default()))
            }
            Sweep::Keywords(tokens) => Some((
                tokens.clone(),
                Options {
                    ignore_case: true,
                    fixed: true,
                    word: false,
                },
            )),
            Sweep::Query(_) => None,
        }
    }
}

pub fn hunt(
    fetch: Fetch<'_>,
    args: &HuntArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let mut query = SearchQuery {
        kinds: args.kinds(),
        ..SearchQuery::default()
    };
    let title = match &args.sweep {
        Sweep::Technique(name) => {
            let t = technique(name).expect("validated by the parser");
            query.words = vec![t.query.to_owned()];
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
        out.push_str(&format!(
            "  {:12} patterns: {}\n",
            "",
            t.patterns.join("  ")
        ));
        if !t.kinds.is_empty() {
            let kinds: Vec<&str> = t.kinds.iter().map(|k| k.as_str()).collect();
            out.push_str(&format!("  {:12} kinds: {}\n", "", kinds.join(", ")));
        }
    }
    out.push_str(
        "\nThe query is for session search; the patterns are matched in what the recordings \
         showed (grep --hunt TECHNIQUE, hunt --verify, and hunt on a cluster without search).\n\
         Or: --query TEXT for your own sweep, --keyword TOKEN for exact tokens.\n",
    );
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
            verify: false,
            jobs: 4,
            non_interactive: false,
        }
    }

    #[test]
    fn a_sweep_has_patterns_unless_it_is_free_text() {
        let (p, o) = Sweep::Technique("privesc").patterns().unwrap();
        assert_eq!(p.len(), technique("privesc").unwrap().patterns.len());
        assert!(!o.fixed);
        let (p, o) = Sweep::Keywords(vec!["a.b".into()]).patterns().unwrap();
        assert_eq!(p, ["a.b"]);
        assert!(o.fixed && o.ignore_case, "tokens are text, not regexes");
        assert!(Sweep::Query("odd".into()).patterns().is_none());
        // exfil looks in databases unless the user says otherwise.
        let a = args(Sweep::Technique("exfil"));
        assert_eq!(a.kinds(), [Kind::Db]);
        let a = HuntArgs {
            kinds: vec![Kind::Ssh],
            ..a
        };
        assert_eq!(a.kinds(), [Kind::Ssh]);
    }

    fn window() -> Window {
        Window {
            from: "2026-05-27T21:00:00Z".parse().unwrap(),
            to: NOW.parse().unwrap(),
        }
    }

    #[test]
    fn every_technique_has_patterns_that_compile_and_find_its_story() {
        use crate::content::{Matcher, Options};
        let finds = |name: &str, line: &str| {
            let t = technique(name).unwrap();
            Matcher::new(t.patterns, Options::default())
                .unwrap()
                .is_match(line)
        };
        for t in TECHNIQUES {
            assert!(!t.patterns.is_empty(), "{}", t.name);
            assert!(
                Matcher::new(t.patterns, Options::default()).is_ok(),
                "{}",
                t.name
            );
        }
        for (name, line) in [
            ("privesc", "$ sudo su -"),
            ("privesc", "# chmod u+s /tmp/sh"),
            ("privesc", "# find / -perm -4000 -type f"),
            ("persistence", "# (crontab -l; echo x) | crontab -"),
            ("persistence", "echo aWQ= | base64 -d | bash"),
            ("ssh-tamper", "echo key >> /root/.ssh/authorized_keys"),
            (
                "exfil",
                "payments=> COPY (SELECT * FROM card_tokens) TO '/tmp/ct.csv';",
            ),
            ("exfil", "$ pg_dump -n payments"),
            ("secrets", "# cat /etc/shadow"),
            ("secrets", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"),
            // The fixture's pod (K1): `env | grep -i secret`.
            ("secrets", "STRIPE_SECRET_KEY=sk_live_51H8xEXAMPLE"),
            ("secrets", "DB_SECRET=hunter2"),
            ("secrets", "PGPASSWORD=s3cret psql -h db-01"),
            ("secrets", "export GITHUB_TOKEN=abc123"),
            ("secrets", "SENDGRID_API_KEY=SG.x"),
            ("secrets", "token: sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            ("secrets", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
            ("kernel", "# insmod /tmp/rk.ko"),
            ("recon", "$ whoami; id; uname -a"),
            ("recon", "$ id"),
        ] {
            assert!(finds(name, line), "{name} misses {line:?}");
        }
        for (name, line) in [
            ("privesc", "$ cat summary.txt"),
            ("recon", "user id is 42"),
            ("exfil", "SELECT count(*) FROM customers;"),
            // Ordinary words and names near secrets are not secrets.
            ("secrets", "[sudo] password for alice: "),
            ("secrets", "alice ALL=(ALL) NOPASSWD:ALL"),
            ("secrets", "AWS_REGION=eu-west-1"),
            ("secrets", "TOKENIZERS_PARALLELISM=false"),
            ("secrets", "KEYMAP=us"),
            ("secrets", "GNOME_KEYRING_CONTROL=/run/user/1000/keyring"),
            ("secrets", r#"printf '%s\n' "$GH_TOKEN""#),
            ("secrets", "env | grep -i secret"),
            (
                "secrets",
                "COPY (SELECT * FROM card_tokens) TO '/tmp/ct.csv';",
            ),
            ("secrets", "PasswordAuthentication no"),
        ] {
            assert!(!finds(name, line), "{name} takes {line:?}");
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
