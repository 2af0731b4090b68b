//! Text for people and scripts, with no knowledge of sessions or Teleport: escaping
//! attacker-influenced strings for a terminal, and formatting times and durations. A leaf
//! module, so that every other layer (teleport, review, cache, render) may use it.

pub mod format;
pub mod markdown;
pub mod sanitize;
