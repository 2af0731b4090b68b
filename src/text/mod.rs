//! Text for people and scripts, with no knowledge of sessions or Teleport: escaping
//! attacker-influenced strings for a terminal, formatting times and durations, and telling text
//! that reads like instructions from a name. A leaf module, so that every other layer
//! (session, teleport, review, cache, render) may use it.

pub mod format;
pub mod markdown;
pub mod sanitize;
pub mod suspicious;
