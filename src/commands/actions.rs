//! The next step after a table, on one session: `show`, `play`, `download`, `link`. Only a
//! canonical session id (typed by the user, or a unique prefix of one from the cache) ever
//! reaches a command line; nothing is written to disk without the human's confirmation.

use std::io::BufWriter;
use std::panic::resume_unwind;

use crate::app::{Run, finish, print};
use crate::cli::args;
use crate::commands::listing::{link as link_all, no_links};
use crate::render::{self, Format, Next};
use crate::teleport::weblink::{APP_EVENTS, player_url};

use std::borrow::Cow;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};

use crate::cache::{self, Entry, Scope};
use crate::error::Error;
use crate::review::explain::reads_like_instructions;
use crate::review::fetch::{self, Fetch, Found, recordings};
use crate::session::{Flag, Kind, Session, Severity, is_canonical_id};
use crate::source::Source;
use crate::teleport::Cluster;
use crate::teleport::command::no_recording;
use crate::teleport::search::SearchQuery;
use crate::text::sanitize::escape;
use crate::window::Window;

/// `show`: one session in the format asked for. It is one record, not a table, so in a pipe
/// it stays the detail view unless a format is asked for.
pub fn show(r: &Run, sid: &str) -> Result<(), Error> {
    let source = r.source();
    let id = resolve(sid, source)?;
    let format = r.format(Format::Table);
    // The summary belongs to the formats that show more than a listing's row.
    let wants_summary = matches!(format, Format::Table | Format::Markdown | Format::Json);
    let (found, profile, summary) = r.waiting(|| {
        std::thread::scope(|threads| {
            // Asked while the cluster answers, and only for a format that shows the link.
            let asked = format
                .wants_links()
                .then(|| threads.spawn(|| source.login(r.now)));
            let summary = wants_summary.then(|| threads.spawn(|| source.summary(&id)));
            let found = find(source, &id, r.now);
            (
                found,
                asked.map(|h| h.join().unwrap_or_else(|p| resume_unwind(p))),
                summary.map(|h| h.join().unwrap_or_else(|p| resume_unwind(p))),
            )
        })
    });
    let mut session = found?;
    match profile {
        Some(Ok(p)) => link_all(std::slice::from_mut(&mut session), &p),
        Some(Err(e)) => no_links(&e.what),
        None => {}
    }
    let suspicious = summary
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .is_some_and(reads_like_instructions);
    if suspicious {
        session.flag(Flag::SuspiciousText);
    }
    let next = next_steps(&session, source.invocation());
    let color = format == Format::Table && r.color();
    finish(render::session(
        &mut BufWriter::new(std::io::stdout().lock()),
        &session,
        &next,
        summary.as_ref().map(|s| (s, suspicious)),
        format,
        color,
    ))
}

/// `link`: the web player URL.
pub fn link(r: &Run, sid: &str) -> Result<(), Error> {
    let id = resolve(sid, r.source())?;
    let s = metadata(r, &id)?;
    if s.kind == Kind::App {
        return Err(app_has_none("open in the web player", &id, r.source()));
    }
    print(&format!("{}\n", player_link(r, &s)?))
}

/// `play`: hand the terminal to `tsh play`; desktops get their link instead, unless their events
/// are asked for as data.
pub fn play(r: &Run, a: &args::Play) -> Result<(), Error> {
    let source = r.source();
    let id = resolve(&a.sid, source)?;
    let known = known_recording(r, &id, "play")?;
    if let Some(s) = known.as_ref().filter(|s| s.kind == Kind::Desktop) {
        match a.format.as_deref() {
            // Only tsh's terminal replay refuses a desktop: as data, tsh exports its events
            // (tool/tsh/common/play.go), which is what a script asking for them wants.
            Some("json" | "yaml") => {}
            // It writes the output of print events only, and a desktop has none: tsh
            // would print nothing and succeed.
            Some("text") => {
                let tool = source.invocation();
                let next = if s.recorded == Some(false) {
                    // The warning above said why: nothing else would find a recording.
                    format!("`{tool} show {id}` shows what is known of it")
                } else {
                    format!(
                        "watch it in the web player (`{tool} link {id}` prints the link), or read its events: `{tool} play {id} --format json`"
                    )
                };
                return Err(Error::failure("a desktop session has no text to print")
                        .because("`tsh play --format text` writes what a terminal showed, and a desktop session has no terminal")
                        .hint(next));
            }
            _ => {
                eprintln!("tsh-review: desktop recordings play only in the web UI:");
                return print(&format!("{}\n", player_link(r, s)?));
            }
        }
    }
    let status = source
        .play(&id, a.speed.as_deref(), a.format.as_deref())
        .map_err(|e| not_found(e, &id, known.as_ref(), source))?;
    if status != 0 {
        // Ctrl-C in tsh: end as it did, quietly.
        std::process::exit(status);
    }
    Ok(())
}

/// `download`: say what will be written where, ask (or take `--yes`), then download through
/// a staging directory.
pub fn download(r: &Run, a: &args::Download) -> Result<(), Error> {
    let source = r.source();
    let id = resolve(&a.sid, source)?;
    let known = known_recording(r, &id, "download")?;
    let dir = download_dir(&id, a.output.as_deref());
    let target = dir.join(format!("{id}.tar"));
    let plan = format!(
        "tctl recordings download {id} will write {} (tctl's work directories are removed afterwards)",
        target.display()
    );
    if let Some(why) = source.cannot_download() {
        return print(&format!("{why} Against your cluster: {plan}\n"));
    }
    // What would refuse the download after a yes is said before the question.
    refuse_overwrite(&target, a.force)?;
    if !a.yes {
        match confirm(&format!("{plan}. Download?")) {
            Some(true) => {}
            Some(false) => return Err(Error::failure("not downloaded: the answer was not yes")),
            None => {
                return Err(
                    Error::usage("not downloaded: there is no terminal to confirm on")
                        .because("nothing is written to disk without a human saying yes")
                        .hint("run it in a terminal, or pass --yes to confirm in advance"),
                );
            }
        }
    }
    let path = download_into(&dir, &id, a.force, |staging| source.download(&id, staging))
        .map_err(|e| not_found(e, &id, known.as_ref(), source))?;
    // tsh cannot play a desktop recording, from the cluster or from a file (SPEC 4.5).
    let replay = if known.as_ref().is_some_and(|s| s.kind == Kind::Desktop) {
        format!(
            "tsh cannot play a desktop recording: watch it in the web player (`{} link {id}` prints its link)",
            source.invocation()
        )
    } else {
        format!("Replay it with: tsh play {}", path.display())
    };
    print(&format!(
        "downloaded {}\nIt is not a tar archive (a gzipped, possibly encrypted protobuf stream): do not untar it.\n{replay}\n",
        path.display()
    ))
}

/// What is known of a session: the cache first (no network), else a bounded ls lookup.
fn metadata(r: &Run, id: &str) -> Result<Session, Error> {
    let source = r.source();
    if let Some(e) = cache::load(source.scope()).into_iter().find(|e| e.id == id) {
        return Ok(e.into_session());
    }
    find(source, id, r.now)
}

/// What is known of a session about to be played or downloaded (`verb`), if anything: an app
/// session is refused (it has no recording), and why the recording may be missing is warned.
fn known_recording(r: &Run, id: &str, verb: &str) -> Result<Option<Session>, Error> {
    let Ok(s) = metadata(r, id) else {
        return Ok(None);
    };
    if s.kind == Kind::App {
        return Err(app_has_none(verb, id, r.source()));
    }
    if let Some(warning) = playback_warning(&s, verb) {
        eprintln!("tsh-review: warning: {warning}");
    }
    Ok(Some(s))
}

/// Asked to `verb` an app session's recording: there is none (said before anything runs).
fn app_has_none(verb: &str, id: &str, source: &dyn Source) -> Error {
    Error::failure(format!("an app session has no recording to {verb}"))
        .because(APP_EVENTS)
        .hint(format!(
            "`{} show {id}` shows what is known of it: the app, the user, the times",
            source.invocation()
        ))
}

/// tsh or tctl found no recording of `id`: why, as far as what is known of the session tells,
/// and a next step that names it (the tool's own words serve every caller, so name neither).
fn not_found(e: Error, id: &str, known: Option<&Session>, source: &dyn Source) -> Error {
    if !no_recording(&e) {
        return e;
    }
    let tool = source.invocation();
    let Some(s) = known else {
        return e.hint(format!(
            "check the id: `{tool} show {id}` finds a session of the last 30 days and says whether Teleport recorded it"
        ));
    };
    let why: Cow<str> = if s.recorded == Some(false) {
        NOT_RECORDED.into()
    } else if s.interactive == Some(false) {
        "it was a non-interactive (exec) session, and those are often not recorded".into()
    } else {
        format!(
            "Teleport may not have recorded this {} session (recording off for it), or the recording expired or was deleted",
            s.kind.as_str()
        )
        .into()
    };
    e.because(why).hint(format!(
        "`{tool} show {id}` shows what Teleport says of the session (interactive, recorded)"
    ))
}

fn player_link(r: &Run, s: &Session) -> Result<String, Error> {
    let profile = r.source().login(r.now)?;
    player_url(&profile.proxy, &profile.cluster, s).map_err(|no| no.into_error())
}

/// How far back a session missing from the cache is looked for.
pub const LOOKUP: SignedDuration = SignedDuration::from_hours(24 * 30);

/// The full id for what the user typed: a canonical UUID, or a unique prefix of a cached one.
pub fn resolve(input: &str, source: &dyn Source) -> Result<String, Error> {
    let typed = input.trim().to_ascii_lowercase();
    if is_canonical_id(&typed) {
        return Ok(typed);
    }
    if typed.is_empty() || !typed.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Error::usage(format!(
            "{} is not a session id: give the UUID, or a prefix of one from a listing",
            escape(input)
        )));
    }
    let found = cache::matching(source.scope(), &typed);
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => match cache::unreadable(source.scope()) {
            // Listing again would not help: the cache it fills cannot be read.
            Some(why) => Err(Error::usage(format!(
                "cannot complete the prefix {typed}: tsh-review's session cache cannot be read"
            ))
            .because(why)
            .hint("give the full id, and fix or remove the cache directory")),
            None => Err(Error::usage(format!("no listed session id starts with {typed}"))
                .because(
                    "prefixes are completed from the sessions tsh-review has listed on this machine",
                )
                .hint(format!(
                    "list them first (e.g. `{} recent --since 7d`), or give the full id",
                    source.invocation()
                ))),
        },
        many => {
            let shown: Vec<String> = many
                .iter()
                .take(10)
                .map(|e| format!("{} {} {}@{}", e.id, e.kind, escape(&e.user), escape(&e.target)))
                .collect();
            Err(Error::usage(format!(
                "{typed} matches {} sessions: {}{}",
                many.len(),
                shown.join("; "),
                if many.len() > 10 { "; …" } else { "" }
            ))
            .hint("type more of the id"))
        }
    }
}

/// Where to look for a session: the day it ended (from the cache) with a day either side, so a
/// busy cluster is not listed for a month to show one session; else the last [`LOOKUP`].
fn lookup_window(cached: Option<&Entry>, now: Timestamp) -> Window {
    let day = SignedDuration::from_hours(24);
    let when = cached
        .and_then(|e| e.end_ms.or(e.start_ms))
        .and_then(|ms| Timestamp::from_millisecond(ms).ok());
    match when {
        Some(t) => Window {
            from: t.checked_sub(day).unwrap_or(Timestamp::MIN),
            to: t.checked_add(day).unwrap_or(now).min(now),
        },
        None => Window {
            from: now.checked_sub(LOOKUP).unwrap_or(Timestamp::MIN),
            to: now,
        },
    }
}

/// What is known of a session: from a bounded `recordings ls` lookup (every field, plus the
/// severity from search), else the cache (the fields completion needs). The error names the
/// window that was searched.
pub fn find(source: &dyn Source, id: &str, now: Timestamp) -> Result<Session, Error> {
    let (cluster, scope): (&dyn Cluster, Scope) = (source, source.scope());
    let cached = cache::load(scope).into_iter().find(|e| e.id == id);
    let window = lookup_window(cached.as_ref(), now);
    // One session: every field of it; when tctl cannot answer, what the cache holds (its
    // rows are what completion and a later `show` rely on without the network).
    let sessions = match recordings(Fetch::full(cluster), window, now) {
        Ok((sessions, _)) => sessions,
        Err(e) => {
            let Some(cached) = cached else { return Err(e) };
            eprintln!(
                "tsh-review: warning: {}; showing what tsh-review's cache holds for the session (no roles, labels or participants: run `show` again once tctl answers)",
                escape(&e.brief())
            );
            return Ok(cached.into_session());
        }
    };
    if let Some(mut s) = sessions.into_iter().find(|s| s.id() == id) {
        if s.severity.is_none() {
            scored(cluster, &mut s, scope, now);
        }
        return Ok(s);
    }
    // What a miss means, and what to try, depends on where sessions come from.
    cached
        .map(Entry::into_session)
        .ok_or_else(|| source.not_found(id, LOOKUP))
}

/// `recordings ls` carries no severity: only session search scores a session. Without this,
/// `show` would call a session unscored that `triage` ranks critical. One search call, narrowed
/// to the session's user, kind and minutes; when the cluster cannot search (or the call
/// fails), what the last listing from search left in the cache. Search's reasons to ask a
/// human come with its severity: `show` gives them, and flags `needs-review`, as triage does.
fn scored(cluster: &dyn Cluster, s: &mut Session, scope: Scope, now: Timestamp) {
    if let Some(found) = searched(cluster, s, now) {
        s.severity = found.severity;
        if let Some(reasons) = &found.extra().review_reasons {
            s.extra_mut().review_reasons = Some(reasons.clone());
        }
        if s.asks_for_review() {
            s.flag(Flag::NeedsReview);
        }
        return;
    }
    s.severity = cache::load(scope)
        .into_iter()
        .find(|e| s.id() == e.id.as_str())
        .and_then(|cached| Severity::from_level(i64::from(cached.severity?)));
}

/// The session as search has it, if it does.
fn searched(cluster: &dyn Cluster, s: &Session, now: Timestamp) -> Option<Session> {
    // Session search has no app sessions, and no kind this version does not know.
    if matches!(s.kind, Kind::App | Kind::Other(_)) {
        return None;
    }
    let margin = SignedDuration::from_mins(1);
    let start = s.start_or_end().get()?;
    let window = Window {
        from: start.checked_sub(margin).ok()?,
        to: s
            .end
            .get()
            .unwrap_or(start)
            .checked_add(margin)
            .ok()?
            .min(now),
    };
    if window.to <= start {
        return None;
    }
    let query = SearchQuery {
        kinds: vec![s.kind],
        username: Some(s.user().to_owned()).filter(|u| !u.is_empty()),
        limit: 100,
        ..SearchQuery::default()
    };
    match fetch::search(Fetch::rows(cluster), &query, window, now) {
        Ok(Found::Sessions { sessions, .. }) => sessions.into_iter().find(|x| x.id() == s.id()),
        _ => None,
    }
}

/// Teleport's word that a session has no recording (`recorded: false`, SPEC 4.1).
const NOT_RECORDED: &str = "Teleport says this session was not recorded";

/// The commands for the next step on a session that can work for its kind and recorded state
/// (pasted, each of the others would only fail), starting as the source's commands do: in the
/// demo they keep `--demo`, because copied as they are they would otherwise ask the real
/// cluster for a demo id.
pub fn next_steps(s: &Session, tool: &str) -> Next {
    if s.kind == Kind::App {
        return Next::Nothing(APP_EVENTS);
    }
    if s.recorded == Some(false) {
        return Next::Nothing(NOT_RECORDED);
    }
    // tsh cannot play a desktop recording (SPEC 4.5): the web player can.
    let verbs: &[&str] = if s.kind == Kind::Desktop {
        &["download", "link"]
    } else {
        &["play", "download", "link"]
    };
    let id = s.id();
    Next::Commands(
        verbs
            .iter()
            .map(|verb| format!("{tool} {verb} {id}"))
            .collect(),
    )
}

/// Why playing or downloading (`verb`) will probably fail, said before trying.
pub fn playback_warning(s: &Session, verb: &str) -> Option<Cow<'static, str>> {
    if s.recorded == Some(false) {
        Some(format!("{NOT_RECORDED}: there is probably nothing to {verb}").into())
    } else if s.interactive == Some(false) {
        Some("this was a non-interactive (exec) session: those are often not recorded".into())
    } else if let Kind::Other(kind) = s.kind {
        Some(
            format!("tsh-review does not know {kind} sessions: tsh may not be able to play them")
                .into(),
        )
    } else {
        None
    }
}

/// Where a download goes: `-o DIR`, else `./tsh-review-recordings/<SID>/`.
/// A recording already at `target` is kept unless `force`.
fn refuse_overwrite(target: &Path, force: bool) -> Result<(), Error> {
    if target.exists() && !force {
        return Err(Error::failure(format!(
            "{} already exists: not overwriting a recording",
            target.display()
        ))
        .hint("play it with `tsh play` on that path, or pass --force to download it again"));
    }
    Ok(())
}

pub fn download_dir(id: &str, output: Option<&Path>) -> PathBuf {
    output.map_or_else(
        || Path::new("tsh-review-recordings").join(id),
        Path::to_path_buf,
    )
}

/// Ask `question [y/N]` on the controlling terminal (never stdin: piped data must not answer
/// it). None when there is no terminal to ask.
pub fn confirm(question: &str) -> Option<bool> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut writer = tty.try_clone().ok()?;
    write!(writer, "{question} [y/N] ").ok()?;
    writer.flush().ok()?;
    let mut answer = String::new();
    std::io::BufReader::new(tty).read_line(&mut answer).ok()?;
    Some(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// Download into a fresh directory beside the destination, then move the file into place:
/// a failed or interrupted download leaves no partial recording behind.
pub fn download_into(
    dir: &Path,
    id: &str,
    force: bool,
    fetch: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<PathBuf, Error> {
    let target = dir.join(format!("{id}.tar"));
    refuse_overwrite(&target, force)?;
    // The directories this download makes, deepest first: a failed or interrupted one removes
    // them again (while empty), so that no `tsh-review-recordings/SID/` suggests a recording
    // is there. A directory that was there before is never among them.
    let made: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(Path::to_path_buf)
        .collect();
    let staging = dir.join(format!(".tsh-review-partial-{}", std::process::id()));
    // Registered before anything is made: an interruption removes it, then what was made.
    let registered = crate::signals::Staging::register(staging.clone(), made.clone());
    let result = fs_err::create_dir_all(dir)
        .and_then(|()| {
            let _ = fs_err::remove_dir_all(&staging);
            fs_err::create_dir_all(&staging)
        })
        .map_err(|e| {
            Error::failure(format!("cannot make the download directory: {e}"))
                .hint("pass -o DIR with a directory you can write to")
        })
        .and_then(|()| fetch(&staging))
        .and_then(|()| {
            let fetched = staging.join(format!("{id}.tar"));
            if !fetched.is_file() {
                return Err(Error::failure("tctl finished but wrote no recording file"));
            }
            fs_err::rename(&fetched, &target).map_err(|e| Error::failure(e.to_string()))
        });
    let _ = fs_err::remove_dir_all(&staging);
    drop(registered);
    if result.is_err() {
        crate::signals::remove_empty(&made);
    }
    result.map(|()| target)
}
