//! "Did you mean" for mistyped commands, flags and choices.

/// The closest candidate, if it is close enough to be what the user meant and no other is as
/// close: `--speed 3x` is as near 1x as 2x or 4x, and a guess would be a coin toss.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_ascii_lowercase();
    let limit = (input.chars().count() / 3).max(1);
    let near: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (distance(&input, c), c))
        .filter(|&(d, c)| d <= limit || (input.len() >= 3 && c.starts_with(&input)))
        .collect();
    let best = near.iter().map(|&(d, _)| d).min()?;
    let mut closest = near.into_iter().filter(|&(d, _)| d == best);
    match (closest.next(), closest.next()) {
        (Some((_, c)), None) => Some(c),
        _ => None,
    }
}

/// Optimal string alignment distance: edits, counting a swap of neighbours as one.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMANDS: [&str; 4] = ["recent", "ls", "search", "help"];

    #[test]
    fn typos_find_their_command() {
        assert_eq!(closest("recnet", COMMANDS), Some("recent"));
        assert_eq!(closest("resent", COMMANDS), Some("recent"));
        assert_eq!(closest("serach", COMMANDS), Some("search"));
        assert_eq!(closest("RECENT", COMMANDS), Some("recent"));
        assert_eq!(closest("rec", COMMANDS), Some("recent"));
    }

    #[test]
    fn unrelated_words_find_nothing() {
        assert_eq!(closest("deploy", COMMANDS), None);
        assert_eq!(closest("x", ["format", "color"]), None);
    }

    #[test]
    fn a_tie_is_no_suggestion() {
        let speeds = ["0.5x", "1x", "2x", "4x", "8x"];
        assert_eq!(closest("3x", speeds), None);
        assert_eq!(closest("4X", speeds), Some("4x"));
        assert_eq!(closest("2", speeds), Some("2x"));
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("abc", "acb"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
