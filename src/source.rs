//! Where sessions come from, chosen once per run: the real cluster through tctl and the user's
//! tsh login, or the built-in demo. Everything that differs between the two is a method here,
//! so no command asks "is this the demo?".

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::cache::Scope;
use crate::cli::Globals;
use crate::cli::table::Opt;
use crate::error::Error;
use crate::review::doctor::{self, Check};
use crate::teleport::locate::locate;
use crate::teleport::ls::{LsEvent, LsQuery};
use crate::teleport::probe::{Verdict, cached};
use crate::teleport::search::{SearchQuery, Summary};
use crate::teleport::tctl::Tctl;
use crate::teleport::tsh::{Profile, Tsh};
use crate::teleport::{Cluster, NoReplay, Searched};

pub trait Source: Cluster + Send + Sync {
    /// The cache file this source's sessions go to (the demo's never mix with a cluster's).
    fn scope(&self) -> Scope;

    /// How a suggested command starts, so that copying it runs against the same source.
    fn invocation(&self) -> &'static str;

    /// The active login: the reviewer's name, and the proxy and cluster of player links.
    fn login(&self, now: Timestamp) -> Result<Profile, Error>;

    /// Replay a recording on the terminal; tsh's exit status when it ended without a failure
    /// to report.
    fn play(&self, id: &str, speed: Option<&str>, format: Option<&str>) -> Result<i32, Error>;

    /// Why this source has nothing to download (said instead of asking to download), if so.
    fn cannot_download(&self) -> Option<&'static str>;

    /// Write the recording of `id` into `dir` (`dir/ID.tar`).
    fn download(&self, id: &str, dir: &Path) -> Result<(), Error>;

    /// The recording of `id` as text (`tsh play --format text`), in chunks as it streams.
    fn replay(&self, id: &str, consume: &mut dyn FnMut(&[u8])) -> Result<(), NoReplay>;

    /// Why no recording could be replayed at all (no tsh to run), said before a scan starts
    /// rather than once per session after the listing.
    fn cannot_replay(&self) -> Option<Error>;

    /// Why `show` or `link` found no session `id`, looked for over the last `looked_back`
    /// (and in the cache), and what to do: where else it may be, and how to list what there is.
    fn not_found(&self, id: &str, looked_back: SignedDuration) -> Error;

    /// What the proxy's config.js said when last probed, to explain an unavailable search;
    /// never touches the network.
    fn search_verdict(&self, proxy: &str, now: Timestamp) -> Option<String>;

    /// `doctor`'s checks, or why there is nothing to check.
    fn doctor(&self, insecure: bool, now: Timestamp) -> Result<Vec<Check>, &'static str>;
}

/// A doctor check's words for a program not found: what, and what to do about it.
fn missing(e: &Error) -> String {
    match &e.next {
        Some(next) => format!("{}: {next}", e.what),
        None => e.what.clone(),
    }
}

/// The source this run's options choose.
pub fn choose(g: &Globals, now: Timestamp) -> Box<dyn Source> {
    if g.demo {
        Box::new(crate::demo::Demo::new(now))
    } else {
        Box::new(Live::new(g))
    }
}

/// The real cluster. tsh and tctl are looked for when first needed: `play` needs no tctl,
/// and a listing no tsh.
pub struct Live {
    tsh: Option<PathBuf>,
    tctl: Option<PathBuf>,
    timeout: Duration,
    found_tctl: OnceLock<Result<Tctl, Error>>,
}

impl Live {
    pub fn new(g: &Globals) -> Live {
        Live {
            tsh: g.tsh.clone(),
            tctl: g.tctl.clone(),
            timeout: g.timeout,
            found_tctl: OnceLock::new(),
        }
    }

    fn find(&self, opt: Opt) -> Result<PathBuf, Error> {
        let spec = opt.spec();
        let explicit = match opt {
            Opt::Tsh => self.tsh.as_deref(),
            _ => self.tctl.as_deref(),
        };
        locate(
            spec.long,
            explicit,
            spec.env.unwrap_or_default(),
            std::env::var_os("PATH"),
            std::env::var_os("HOME").map(Into::into),
        )
    }

    fn tsh(&self) -> Result<Tsh, Error> {
        Ok(Tsh {
            path: self.find(Opt::Tsh)?,
            timeout: self.timeout,
        })
    }

    fn tctl(&self) -> Result<&Tctl, Error> {
        let found = self.found_tctl.get_or_init(|| {
            Ok(Tctl {
                path: self.find(Opt::Tctl)?,
                timeout: self.timeout,
            })
        });
        // A lookup error is kept, to be said each time it is needed.
        found.as_ref().map_err(Error::clone)
    }
}

impl Cluster for Live {
    fn ls(&self, query: &LsQuery, sink: &mut dyn FnMut(&LsEvent<'_>)) -> Result<usize, Error> {
        self.tctl()?.ls(query, sink)
    }

    fn search(
        &self,
        query: &SearchQuery,
        sink: &mut dyn FnMut(&Summary<'_>),
    ) -> Result<Searched, Error> {
        self.tctl()?.search(query, sink)
    }

    fn summary(&self, sid: &str) -> crate::teleport::Summarized {
        match self.tctl() {
            Ok(tctl) => tctl.summary(sid),
            Err(e) => Err(crate::teleport::NoSummary::Failed(e.what.clone())),
        }
    }
}

impl Source for Live {
    fn scope(&self) -> Scope {
        Scope::Live
    }

    fn invocation(&self) -> &'static str {
        crate::cli::invocation(false)
    }

    fn login(&self, now: Timestamp) -> Result<Profile, Error> {
        self.tsh()?.status(now)
    }

    fn play(&self, id: &str, speed: Option<&str>, format: Option<&str>) -> Result<i32, Error> {
        self.tsh()?.play(id, speed, format)
    }

    fn cannot_download(&self) -> Option<&'static str> {
        None
    }

    fn cannot_replay(&self) -> Option<Error> {
        self.tsh().err()
    }

    fn replay(&self, id: &str, consume: &mut dyn FnMut(&[u8])) -> Result<(), NoReplay> {
        match self.tsh() {
            Ok(tsh) => tsh.replay_text(id, consume),
            Err(e) => Err(NoReplay::Failed(e.what.clone())),
        }
    }

    fn download(&self, id: &str, dir: &Path) -> Result<(), Error> {
        self.tctl()?.download(id, dir)
    }

    fn not_found(&self, id: &str, looked_back: SignedDuration) -> Error {
        let days = looked_back.as_hours() / 24;
        Error::failure(format!(
            "session {id} is not in the recordings of the last {days} days"
        ))
        .because(format!(
            "tsh-review looked in `tctl recordings ls` from now back {days} days, and in its cache"
        ))
        .hint("check the id; older sessions can still be played: `tsh play <id>`")
    }

    fn search_verdict(&self, proxy: &str, now: Timestamp) -> Option<String> {
        match cached(proxy, now)? {
            Verdict::Impossible(why) | Verdict::Unknown(why) => Some(why),
            Verdict::NotEnabled(todo) => Some(format!("licensed, but {}", todo.join(" and "))),
            _ => None,
        }
    }

    fn doctor(&self, insecure: bool, now: Timestamp) -> Result<Vec<Check>, &'static str> {
        Ok(doctor::run(doctor::Inputs {
            tsh: self.find(Opt::Tsh).map_err(|e| missing(&e)),
            tctl: self.find(Opt::Tctl).map_err(|e| missing(&e)),
            timeout: self.timeout,
            insecure,
            now,
        }))
    }
}
