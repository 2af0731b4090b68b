//! `recent`: the recordings that ended in a window, from `tctl recordings ls`. Works on every
//! edition.

use jiff::Timestamp;

use super::Listing;
use super::fetch::{Fetch, newest_first, recordings};
use crate::error::Error;
use crate::session::Kind;
use crate::window::{Window, WindowArgs};

#[derive(Debug, Clone, PartialEq)]
pub struct RecentArgs {
    pub window: WindowArgs,
    /// Show at most this many sessions (the listing itself is complete).
    pub limit: Option<u32>,
    pub kinds: Vec<Kind>,
    pub user: Option<String>,
}

pub fn recent(
    fetch: Fetch<'_>,
    args: &RecentArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let (mut sessions, notes) = recordings(fetch, window, now)?;
    sessions.retain(|s| args.kinds.is_empty() || args.kinds.contains(&s.kind));
    sessions.retain(|s| args.user.as_ref().is_none_or(|u| s.user() == u));
    newest_first(&mut sessions);
    let mut listing = Listing::new(window, "ended", sessions);
    if !args.kinds.is_empty() || args.user.is_some() {
        listing.empty = super::Empty::Filters;
    }
    listing.notes = notes;
    listing.cap(args.limit);
    listing.note_suspicious();
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::Note;
    use crate::review::canned::{Canned, NOW, ls_event};
    use crate::teleport::ls::LsEvent;
    use crate::window::resolve;

    fn canned() -> Canned {
        let c = Canned::default();
        let db = LsEvent {
            event: Some("db.session.end".into()),
            user: Some("bob".into()),
            ..ls_event("b", "2026-06-03T19:00:00Z")
        };
        c.ls.borrow_mut().extend([
            ls_event("a", "2026-06-03T20:50:00Z"),
            db,
            ls_event("c", "2026-06-03T05:00:00Z"),
            ls_event("d", "2026-06-02T22:00:00Z"),
        ]);
        c
    }

    fn args(since: &str) -> RecentArgs {
        RecentArgs {
            window: WindowArgs {
                since: Some(since.into()),
                ..WindowArgs::default()
            },
            limit: None,
            kinds: vec![],
            user: None,
        }
    }

    fn run(c: &Canned, a: &RecentArgs) -> Listing {
        let now = NOW.parse().unwrap();
        let (window, _) = resolve(&a.window, now).unwrap();
        recent(Fetch::rows(c), a, window, now).unwrap()
    }

    fn ids(l: &Listing) -> Vec<String> {
        l.sessions.iter().map(|s| s.id().to_string()).collect()
    }

    #[test]
    fn sub_day_windows_are_trimmed_exactly() {
        assert_eq!(ids(&run(&canned(), &args("90m"))), ["a"]);
    }

    #[test]
    fn newest_first_with_kind_and_user_filters() {
        let c = canned();
        assert_eq!(ids(&run(&c, &args("24h"))), ["a", "b", "c", "d"]);
        let mut a = args("24h");
        a.kinds = vec![Kind::Db];
        assert_eq!(ids(&run(&c, &a)), ["b"]);
        let mut a = args("24h");
        a.user = Some("alice".into());
        assert_eq!(ids(&run(&c, &a)), ["a", "c", "d"]);
    }

    #[test]
    fn limit_caps_the_rows_shown_and_says_so() {
        let c = canned();
        let mut a = args("24h");
        a.limit = Some(2);
        let l = run(&c, &a);
        assert_eq!(ids(&l), ["a", "b"], "the newest two");
        assert!(l.notes.contains(&Note::Capped { limit: 2, total: 4 }));
        assert!(run(&c, &args("24h")).notes.is_empty());
    }
}
