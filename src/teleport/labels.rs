//! tctl's `--labels` value: `KEY=VALUE` pairs separated by commas, where a value may be
//! double-quoted to hold commas. The command line checks it, and the search fallback and the
//! demo match sessions with it, all with this one reading.

/// The pairs of `spec` (quotes around a value removed), or the first piece that is not
/// `KEY=VALUE` with a key. An empty spec has no pairs: no label filter.
pub fn parse(spec: &str) -> Result<Vec<(&str, &str)>, &str> {
    if spec.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut pieces = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (at, c) in spec.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                pieces.push(&spec[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    pieces.push(&spec[start..]);
    pieces
        .into_iter()
        .map(|piece| match piece.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                let value = value.trim();
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value);
                Ok((key.trim(), value))
            }
            _ => Err(piece),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_quoted_values_and_what_is_not_a_pair() {
        assert_eq!(parse("env=prod"), Ok(vec![("env", "prod")]));
        assert_eq!(
            parse(r#"env=prod, team="a,b""#),
            Ok(vec![("env", "prod"), ("team", "a,b")])
        );
        assert_eq!(parse(""), Ok(vec![]));
        assert_eq!(parse("env"), Err("env"));
        assert_eq!(parse("env=prod,"), Err(""));
        assert_eq!(parse("=prod"), Err("=prod"));
    }
}
