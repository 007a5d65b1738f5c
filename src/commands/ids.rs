//! IDs on the command line: the whole id, or (like git and jj) a unique prefix of at
//! least [`MIN_PREFIX`] characters. An ambiguous prefix is exit 2 listing the
//! candidates; a prefix matching nothing is "not found" (exit 3). Anything shorter is
//! taken as a whole id (and is not found).

use crate::error::CliError;

/// The shortest prefix taken for an id.
pub const MIN_PREFIX: usize = 8;
/// The length of a whole id (a UUID).
const FULL: usize = 36;
/// Candidates listed for an ambiguous prefix.
const SHOWN: usize = 10;

/// Whether `given` is used as it is, without a lookup: a whole id, anything shorter
/// than [`MIN_PREFIX`], or something that is not an id prefix at all (not hex digits
/// and dashes); the server answers for those (not found, when they are no id).
pub fn is_whole(given: &str) -> bool {
    given.len() >= FULL
        || given.len() < MIN_PREFIX
        || !given.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The one candidate whose id starts with `given` (case-insensitive). `candidates`
/// are (id, description) pairs; `list` is the command that lists them (for hints).
pub fn pick(
    given: &str,
    candidates: &[(String, String)],
    what: &str,
    list: &str,
) -> Result<String, CliError> {
    let prefix = given.to_ascii_lowercase();
    let matching: Vec<&(String, String)> = candidates
        .iter()
        .filter(|(id, _)| id.to_ascii_lowercase().starts_with(&prefix))
        .collect();
    match matching.as_slice() {
        [] => Err(CliError::not_found(format!("no {what} id starts with '{given}'"))
            .with_hint(format!("see `{list}`"))),
        [(id, _)] => Ok(id.clone()),
        many => {
            let mut shown: Vec<String> = many
                .iter()
                .take(SHOWN)
                .map(|(id, desc)| {
                    if desc.is_empty() {
                        id.clone()
                    } else {
                        format!("{id} ({desc})")
                    }
                })
                .collect();
            if many.len() > SHOWN {
                shown.push(format!("and {} more", many.len() - SHOWN));
            }
            Err(CliError::usage(format!(
                "'{given}' is ambiguous: {} {what} ids start with it",
                many.len()
            ))
            .with_hint(format!("give more characters of one of: {}", shown.join(", "))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ids: &[&str]) -> Vec<(String, String)> {
        ids.iter()
            .map(|i| (i.to_string(), format!("d{}", &i[..1])))
            .collect()
    }

    #[test]
    fn whole_ids_and_non_ids_pass_through() {
        assert!(is_whole("01a20845-d95a-714a-b4c2-dbf338945dd4"));
        assert!(is_whole("nope"));
        assert!(!is_whole("01a20845"));
        assert!(!is_whole("01A20845-D9"));
        assert!(is_whole("01a2084"), "shorter than 8: as it is");
    }

    #[test]
    fn prefixes() {
        let cands = c(&["01234567-aaaa", "01234567-bbbb", "99999999-cccc"]);
        assert_eq!(pick("01234567-A", &cands, "x", "l").unwrap(), "01234567-aaaa");
        let amb = pick("01234567", &cands, "role binding", "l").unwrap_err();
        assert_eq!(amb.kind.exit_code(), 2);
        assert_eq!(
            amb.message,
            "'01234567' is ambiguous: 2 role binding ids start with it"
        );
        let hint = amb.hint().unwrap().to_owned();
        assert!(
            hint.contains("01234567-aaaa (d0)") && hint.contains("01234567-bbbb"),
            "{hint}"
        );
        assert_eq!(
            pick("12345678", &cands, "x", "l").unwrap_err().kind.exit_code(),
            3
        );
    }
}
