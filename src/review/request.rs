//! `request ID`: everything done under one access request, grouped by user and in time order.
//! Attacks can be split across several just-in-time sessions, so the set is reviewed together.

use jiff::Timestamp;

use super::fetch::Fetch;
use super::search::{Reach, add_unsummarized, search_or_list};
use super::{Grouping, Listing, Note};
use crate::error::Error;
use crate::session::is_canonical_id;
use crate::teleport::search::SearchQuery;
use crate::text::sanitize::escape;
use crate::window::{Window, WindowArgs};

#[derive(Clone, Debug, PartialEq)]
pub struct RequestArgs {
    pub window: WindowArgs,
    pub id: String,
    /// Show at most this many sessions (the search itself is complete).
    pub limit: Option<u32>,
    pub no_fallback: bool,
}

/// The access request id for what the user typed: a UUID (any case), or a unique prefix of one
/// that a listing has seen (`known` gives the cached ids starting with a prefix). Anything else
/// is refused before a call is made: tctl would search for it and find nothing, and a wider
/// window would not help.
pub fn resolve_id(input: &str, known: impl Fn(&str) -> Vec<String>) -> Result<String, Error> {
    let typed = input.trim().to_ascii_lowercase();
    if is_canonical_id(&typed) {
        return Ok(typed);
    }
    if typed.is_empty() || !typed.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(Error::usage(format!(
            "{} is not an access request id: they are UUIDs such as a9c97e9f-1dc3-44b2-9a1e-a4e169614065",
            escape(input)
        ))
        .hint("`tsh request ls` lists your cluster's requests"));
    }
    match known(&typed).as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::usage(format!(
            "no access request seen in a listing starts with {typed}"
        ))
        .because("prefixes are completed from the sessions tsh-review has listed on this machine")
        .hint("give the full id (`tsh request ls` lists them), or list the sessions first")),
        many => Err(Error::usage(format!(
            "{typed} starts {} access request ids: {}",
            many.len(),
            many.join(", ")
        ))
        .hint("type more of the id")),
    }
}

pub fn request(
    fetch: Fetch<'_>,
    args: &RequestArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let query = SearchQuery {
        access_requests: vec![args.id.clone()],
        ..SearchQuery::default()
    };
    let found = search_or_list(fetch, &query, window, now, args.no_fallback, Reach::All)?;
    let mut sessions = found.sessions;
    let mut notes = found.notes;
    // Everything done under the request, summarized or not: a JIT review reads the set whole.
    if found.searched {
        add_unsummarized(fetch, &query, window, now, &mut sessions, &mut notes)?;
    }
    sessions.sort_by(|a, b| (a.user().cmp(b.user())).then(a.start_or_end().cmp(&b.start_or_end())));
    notes.push(Note::JitCaveat);
    let title = format!("Sessions under access request {}", args.id);
    let mut listing = Listing::of_search(window, found.searched, sessions, notes, title);
    listing.grouping = Grouping::User;
    listing.cap(args.limit);
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, summary};

    #[test]
    fn grouped_by_user_in_time_order_with_the_jit_caveat() {
        let mut s1 = summary("late", "ssh", "2026-06-03T12:00:00Z", Some(4));
        let mut s2 = summary("early", "db", "2026-06-03T09:00:00Z", None);
        let mut s3 = summary("bob", "ssh", "2026-06-03T10:00:00Z", Some(1));
        s3.username = Some("bob".into());
        for s in [&mut s1, &mut s2, &mut s3] {
            s.access_request_ids = vec!["req-1".into()];
        }
        let c = Canned::with_summaries(vec![s1, s2, s3]);
        let args = RequestArgs {
            window: WindowArgs::default(),
            id: "req-1".into(),
            limit: None,
            no_fallback: false,
        };
        let w = Window {
            from: "2026-05-04T21:00:00Z".parse().unwrap(),
            to: NOW.parse().unwrap(),
        };
        let l = request(Fetch::rows(&c), &args, w, NOW.parse().unwrap()).unwrap();
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["early", "late", "bob"]);
        assert_eq!(l.grouping, Grouping::User);
        assert!(l.notes.contains(&Note::JitCaveat));
        assert_eq!(c.searches.borrow()[0].access_requests, ["req-1"]);
    }
}
