//! `pivot`: what one user did on one host in a window. Search by user and resource; when the
//! cluster cannot search, the same question is answered from `recordings ls`.

use jiff::Timestamp;

use super::Listing;
use super::fetch::Fetch;
use super::fetch::newest_first;
use super::search::{Reach, search_or_list};
use crate::error::Error;
use crate::teleport::search::SearchQuery;
use crate::window::{Window, WindowArgs};

#[derive(Clone, Debug, PartialEq)]
pub struct PivotArgs {
    pub window: WindowArgs,
    pub user: String,
    pub host: String,
    /// Show at most this many sessions (the search itself is complete).
    pub limit: Option<u32>,
    pub no_fallback: bool,
}

pub fn pivot(
    fetch: Fetch<'_>,
    args: &PivotArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let query = SearchQuery {
        username: Some(args.user.clone()),
        resource_name: Some(args.host.clone()),
        ..SearchQuery::default()
    };
    let mut found = search_or_list(fetch, &query, window, now, args.no_fallback, Reach::All)?;
    if found.searched && found.sessions.is_empty() {
        // Search names a database session by its service (`orders-db`), while `recent` and
        // `show` name it by its database (`orders`): a host that is no resource may be one.
        let by_database = SearchQuery {
            username: Some(args.user.clone()),
            database_name: Some(args.host.clone()),
            ..SearchQuery::default()
        };
        let again = search_or_list(fetch, &by_database, window, now, true, Reach::All)?;
        if !again.sessions.is_empty() {
            found = again;
        }
    }
    let mut sessions = found.sessions;
    // In time order: an incident reads as a story.
    newest_first(&mut sessions);
    sessions.reverse();
    let title = format!("What {} did on {}, oldest first", args.user, args.host);
    let mut listing = Listing::of_search(window, found.searched, sessions, found.notes, title);
    listing.cap(args.limit);
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, ls_event};

    #[test]
    fn without_search_the_ls_listing_answers_for_user_and_host() {
        let c = Canned::unavailable("expected command but got \"search\"");
        c.ls.borrow_mut().extend([
            ls_event("a", "2026-06-03T10:00:00Z"),
            ls_event("b", "2026-06-02T10:00:00Z"),
            crate::teleport::ls::LsEvent {
                server_hostname: Some("db-01".into()),
                ..ls_event("c", "2026-06-03T11:00:00Z")
            },
        ]);
        let args = PivotArgs {
            window: WindowArgs::default(),
            user: "alice".into(),
            host: "web-01".into(),
            limit: None,
            no_fallback: false,
        };
        let w = Window {
            from: "2026-05-27T21:00:00Z".parse().unwrap(),
            to: NOW.parse().unwrap(),
        };
        let l = pivot(Fetch::rows(&c), &args, w, NOW.parse().unwrap()).unwrap();
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["b", "a"], "oldest first, db-01 left out");
        let q = &c.searches.borrow()[0];
        assert_eq!(q.username.as_deref(), Some("alice"));
        assert_eq!(q.resource_name.as_deref(), Some("web-01"));
    }
}
