//! A listing's way out: run its workflow against the source (a row's worth of each session,
//! or all of it for JSON), read `--explain`'s summary lines, link the web player, then print it
//! while the cache remembers it.

use std::io::{self, BufWriter, Write};
use std::panic::resume_unwind;

use jiff::Timestamp;

use crate::app::{Run, finish, remember};
use crate::error::{Error, Exit};
use crate::render::{self, Format, Style};
use crate::review::fetch::Fetch;
use crate::review::{Listing, Note, explain};
use crate::session::{Detail, Session};
use crate::source::Source;
use crate::teleport::tsh::Profile;
use crate::teleport::weblink::{NoLink, player_url};
use crate::text::sanitize::escape;
use crate::window::{Window, WindowArgs, resolve};

impl Run<'_> {
    /// A listing over the window the user asked for.
    pub(crate) fn listing(
        &self,
        window: &WindowArgs,
        links: Links,
        explain: Explain,
        workflow: impl FnOnce(Fetch<'_>, Window) -> Result<Listing, Error>,
    ) -> Result<(), Error> {
        let (window, notice) = resolve(window, self.now).map_err(Error::usage)?;
        if let Some(notice) = notice {
            eprintln!("tsh-review: {notice}");
        }
        self.present(window, links, explain, workflow)
    }

    /// Run a workflow against the source, then render and remember what it found.
    pub(crate) fn present(
        &self,
        window: Window,
        links: Links,
        explain: Explain,
        workflow: impl FnOnce(Fetch<'_>, Window) -> Result<Listing, Error>,
    ) -> Result<(), Error> {
        let format = self.format(Format::Tsv);
        let source = self.source();
        let (listing, profile) = self.waiting(|| {
            std::thread::scope(|scope| {
                // Asked while the cluster answers: the links cost one tsh status, not a wait.
                let asked = (matches!(links, Links::Ask) && format.wants_links())
                    .then(|| scope.spawn(|| source.login(self.now)));
                // JSON shows every field of a session; the other formats a row.
                let detail = if format == Format::Json {
                    Detail::Full
                } else {
                    Detail::Row
                };
                let listing = workflow(
                    Fetch {
                        cluster: source,
                        detail,
                    },
                    window,
                );
                let profile = match (asked, links) {
                    (Some(asked), _) => Some(asked.join().unwrap_or_else(|p| resume_unwind(p))),
                    (None, Links::Known(p)) => p.map(Ok),
                    (None, Links::Ask) => None,
                };
                (listing, profile)
            })
        });
        let mut listing = listing?;
        listing.invocation = source.invocation();
        self.explain(&mut listing, explain);
        let profile = match profile {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => {
                no_links(&e.what);
                None
            }
            None => None,
        };
        if let Some(p) = &profile {
            link(&mut listing.sessions, p);
        }
        explain_unavailable_search(&mut listing, source, self.now, profile.as_ref());
        // The cache is written while the listing is printed: neither waits for the other.
        let shown = std::thread::scope(|scope| {
            scope.spawn(|| remember(&listing.sessions, source.scope()));
            self.output(&listing, format)
        });
        let stand_in = listing.stand_in;
        // The process ends right after: freeing a year's records one by one would cost a tenth
        // of the run for nothing.
        std::mem::forget(listing);
        shown?;
        if stand_in {
            // The headline above the listing said why.
            return Err(Error::quiet(Exit::SearchUnavailable));
        }
        Ok(())
    }

    /// `--explain`: a line of each chosen session's AI summary, read a few at a time, with
    /// progress on a terminal's stderr.
    fn explain(&self, listing: &mut Listing, how: Explain) {
        use crate::session::Flag;
        let wanted: fn(&Session) -> bool = match how {
            Explain::None => return,
            Explain::First => |_| true,
            Explain::FollowUps => |s| s.flags.contains(Flag::FollowUp),
        };
        let tty = self.term.stderr_tty;
        let progress = |done: usize, of: usize| {
            if tty {
                eprint!("\r\x1b[2Kreading AI summaries {done}/{of}…");
            }
        };
        let told = explain::explain(self.source(), &mut listing.sessions, wanted, &progress);
        if tty {
            eprint!("\r\x1b[2K");
        }
        listing.explained = true;
        if let Some(why) = told.first_unread {
            listing.notes.push(Note::SummariesUnread {
                count: told.unread,
                why,
            });
        }
        if told.picked > explain::MOST {
            listing.notes.push(Note::ExplainedFirst {
                read: explain::MOST,
                of: told.picked,
            });
        }
    }

    fn output(&self, listing: &Listing, format: Format) -> Result<(), Error> {
        let style = Style {
            color: format == Format::Table && self.color(),
            width: self.term.width,
        };
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let result = render::listing(&mut out, &mut io::stderr(), listing, format, &style);
        finish(result.and_then(|()| out.flush()))
    }
}

/// Which sessions of a listing get a line of their AI summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Explain {
    None,
    /// The first rows.
    First,
    /// The sessions to follow up (compliance).
    FollowUps,
}

/// The login the web player links are built from: known before the listing (or known to be
/// missing), or to be asked of tsh when the format shows links.
pub(crate) enum Links {
    Known(Option<Profile>),
    Ask,
}

/// When search failed, a cached config.js verdict says more precisely why. Only read from the
/// cache (the failure path may ask tsh for the proxy; a working search never waits on this).
fn explain_unavailable_search(
    listing: &mut Listing,
    source: &dyn Source,
    now: Timestamp,
    known: Option<&Profile>,
) {
    let Some(Note::SearchUnavailable { probe, .. }) = listing
        .notes
        .iter_mut()
        .find(|n| matches!(n, Note::SearchUnavailable { .. }))
    else {
        return;
    };
    let proxy = match known {
        Some(p) => p.proxy.clone(),
        None => match source.login(now) {
            Ok(p) => p.proxy,
            Err(_) => return,
        },
    };
    *probe = source.search_verdict(&proxy, now);
}

/// Fill each session's player link. A profile no link can be built from (no proxy, an odd
/// one, no cluster) is said once, not once a row.
pub fn link(sessions: &mut [Session], p: &Profile) {
    for s in sessions {
        match player_url(&p.proxy, &p.cluster, s) {
            Ok(url) => s.set_web_url(url),
            Err(e @ (NoLink::NoProxy | NoLink::BadProxy { .. } | NoLink::NoCluster)) => {
                no_links(&e.into_error().what);
                return;
            }
            // This session has no player (an app) or no usable id: the others may.
            Err(NoLink::App | NoLink::NotCanonical(_)) => {}
        }
    }
}

pub fn no_links(why: &str) {
    eprintln!(
        "tsh-review: warning: no web player links (web_url left empty): {}",
        escape(why)
    );
}
