//! How the demo answers a search query, standing in for the server's hybrid search.
//!
//! The hunt queries list a technique's terms ("privilege escalation, sudo to root, su, setuid
//! binary"), so matching any word of them in any summary finds everything: "to" and "or" are
//! in every summary, and "su" is inside "successfully". A real hybrid search ranks by what the
//! terms mean; without embeddings, the demo gets close with what a keyword index does: whole
//! terms, stop words dropped, light stemming, and a threshold. Words that technique queries
//! share with ordinary admin work ("sudo", "key", "user", "file") count half, so one of them
//! alone does not make bob's `sudo` edit of postgresql.conf a privilege escalation, while one
//! technique term (`insmod`, `sshd_config`, `nmap`) is enough.

use std::collections::HashSet;

/// Function words, and the verbs every summary uses: they say nothing about a technique.
const STOP: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "but", "by", "did", "do", "does", "for", "from", "had", "has", "have", "her", "his",
    "in", "into", "is", "it", "its", "no", "not", "of", "off", "on", "onto", "or", "our", "out",
    "over", "she", "so", "some", "than", "that", "the", "their", "them", "then", "these", "they",
    "this", "those", "to", "under", "up", "via", "was", "were", "what", "when", "which", "while",
    "who", "will", "with", "without", "ran", "run", "runs", "running", "use", "used", "uses",
    "using", "add", "added", "adds", "new",
];

/// Terms of technique queries that ordinary sessions use too: half weight.
const COMMON: &[&str] = &[
    "binary",
    "change",
    "copy",
    "data",
    "database",
    "download",
    "encoded",
    "file",
    "host",
    "key",
    "large",
    "loaded",
    "modified",
    "parameter",
    "password",
    "port",
    "printed",
    "removed",
    "root",
    "select",
    "ssh",
    "sudo",
    "terminal",
    "token",
    "unit",
    "user",
];

/// A query, reduced to weighted terms.
pub struct Query {
    terms: Vec<(String, f32)>,
    /// The score a summary needs: one technique term, two common ones, or everything a
    /// query of common terms asks for (so `search sudo` still finds every sudo).
    needed: f32,
}

impl Query {
    /// None when there are no query words: every summary matches, newest first.
    pub fn new(words: &[String]) -> Option<Query> {
        if words.iter().all(|w| w.trim().is_empty()) {
            return None;
        }
        let common: HashSet<String> = COMMON.iter().map(|w| stem(w)).collect();
        let mut seen = HashSet::new();
        let terms: Vec<(String, f32)> = words
            .iter()
            .flat_map(|w| terms(w))
            .filter(|t| seen.insert(t.clone()))
            .map(|t| {
                let weight = if common.contains(&t) { 0.5 } else { 1.0 };
                (t, weight)
            })
            .collect();
        let total: f32 = terms.iter().map(|(_, w)| w).sum();
        Some(Query {
            terms,
            needed: total.min(1.0),
        })
    }

    /// How well `text` answers the query; None when not well enough to be returned. A query
    /// of stop words alone matches nothing.
    pub fn score(&self, text: &str) -> Option<f32> {
        let have: HashSet<String> = terms(text).collect();
        let score: f32 = self
            .terms
            .iter()
            .filter(|(t, _)| have.contains(t))
            .map(|(_, w)| w)
            .sum();
        (score > 0.0 && score >= self.needed).then_some(score)
    }
}

/// The index terms of `text`: lowercase words (letters, digits, `_` and inner dots, so that
/// `pg_dump`, `sshd_config` and `rc.local` stay whole), stop words and single letters dropped,
/// plain words stemmed. A path gives itself and its file name: `/root/.ssh/authorized_keys`
/// is about `authorized_keys`, not about `root`.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '/')))
        .flat_map(|raw| {
            let raw = raw.trim_matches('.').to_lowercase();
            if raw.contains('/') {
                let path = raw.trim_matches(|c| c == '/' || c == '.').to_owned();
                let name = path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches('.')
                    .to_owned();
                vec![path, name]
            } else {
                vec![raw]
            }
        })
        .filter(|t| t.chars().count() >= 2 && !STOP.contains(&t.as_str()))
        .map(|t| {
            if t.bytes().all(|b| b.is_ascii_lowercase()) {
                stem(&t)
            } else {
                t
            }
        })
}

/// A light English stemmer for lowercase ASCII words, enough that "loaded" meets "load",
/// "binaries" meets "binary" and "modules" meets "module".
fn stem(word: &str) -> String {
    if word.len() <= 3 {
        return word.to_owned();
    }
    let mut s = word.to_owned();
    let mut stripped = false;
    if let Some(base) = word.strip_suffix("ies") {
        s = format!("{base}i");
    } else if word.ends_with("sses") {
        s.truncate(s.len() - 2);
    } else if let Some(base) = ["ing", "ed"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(|b| b.len() >= 3))
    {
        s = base.to_owned();
        stripped = true;
    } else if word.ends_with('s') && !word.ends_with("ss") {
        s.pop();
    }
    let b = s.as_bytes();
    // "scanned" -> "scann" -> "scan", as "scan" is.
    if stripped
        && b.len() >= 2
        && b[b.len() - 1] == b[b.len() - 2]
        && !b"lsz".contains(&b[b.len() - 1])
    {
        s.pop();
    }
    if s.len() > 3 {
        if s.ends_with('e') {
            s.pop();
        } else if s.ends_with('y') {
            s.pop();
            s.push('i');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        terms(text).collect()
    }

    #[test]
    fn stems_meet() {
        for (a, b) in [
            ("loaded", "load"),
            ("modules", "module"),
            ("binaries", "binary"),
            ("modified", "modify"),
            ("scanned", "scan"),
            ("printing", "printed"),
            ("keys", "key"),
            ("credentials", "credential"),
            ("privileges", "privilege"),
            ("processes", "process"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} {b}");
        }
    }

    #[test]
    fn terms_are_whole_words_without_stop_words() {
        assert_eq!(
            all("Ran sudo su - to root, then pg_dump of rc.local."),
            ["sudo", "su", "root", "pg_dump", "rc.local"]
        );
        assert_eq!(
            all("appended to /root/.ssh/authorized_keys"),
            ["append", "root/.ssh/authorized_keys", "authorized_keys"]
        );
        // "su" is a term of its own, never a piece of "successfully".
        assert!(!all("completed successfully").contains(&"su".to_owned()));
    }

    #[test]
    fn one_technique_term_is_enough_one_common_term_is_not() {
        let q = Query::new(&["kernel module loaded, insmod, sudo to root".into()]).unwrap();
        assert!(q.score("ran insmod x.ko").is_some());
        assert!(q.score("used sudo to edit a file").is_none());
        assert!(q.score("used sudo as root").is_some());
        assert!(q.score("nothing of the sort").is_none());
        // A query of common terms only needs what it asks for.
        let sudo = Query::new(&["sudo".into()]).unwrap();
        assert!(sudo.score("used sudo to edit a file").is_some());
        // Stop words alone match nothing; no words at all is no query.
        let stop = Query::new(&["to or the".into()]).unwrap();
        assert!(stop.score("to or the").is_none());
        assert!(Query::new(&[]).is_none());
    }

    #[test]
    fn better_matches_score_higher() {
        let q = Query::new(&["privilege escalation, sudo to root, setuid binary".into()]).unwrap();
        let strong = q
            .score("privilege escalation: sudo, then a setuid binary")
            .unwrap();
        let weak = q.score("listed his sudo privileges").unwrap();
        assert!(strong > weak, "{strong} {weak}");
    }
}
