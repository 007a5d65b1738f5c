//! "Did you mean": the closest known name to a mistyped one. Like clap's
//! suggestions for subcommands it asks for Jaro–Winkler similarity above 0.7, and
//! also for a small edit distance (at most 2, or a quarter of the name), because
//! names sharing a long prefix (`services.fly`, `services.view`) are similar by
//! Jaro–Winkler without being a typo of each other.

/// The candidate closest to `given` (case-insensitive), if any is close enough.
/// An exact match (ignoring case) is not a suggestion: the caller asked about
/// something else.
pub fn closest<'a, I>(given: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let given = given.trim().to_lowercase();
    let max_edits = (given.chars().count() / 4).max(2);
    candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let edits = strsim::levenshtein(&given, &lower);
            let similar = strsim::jaro_winkler(&given, &lower);
            (lower != given && edits <= max_edits && similar > 0.7).then_some((edits, -similar, c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, _, c)| c)
}

/// `did you mean 'developer'?`, the hint line for a mistyped name.
pub fn did_you_mean<'a, I>(given: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(given, candidates).map(|c| format!("did you mean '{c}'?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let roles = ["owner", "admin", "developer", "viewer"];
        assert_eq!(closest("developr", roles), Some("developer"));
        assert_eq!(closest("Devloper", roles), Some("developer"));
        assert_eq!(closest("viewr", roles), Some("viewer"));
        assert_eq!(closest("zzzzzz", roles), None);
        assert_eq!(
            closest("services.fly", ["services.view", "services.deploy"]),
            None
        );
        assert_eq!(closest("bakend", ["backend", "frontend"]), Some("backend"));
        assert_eq!(closest("admin", roles), None);
        assert_eq!(
            did_you_mean("env.staging.deplyo", ["env.staging.deploy", "env.staging.view"]),
            Some("did you mean 'env.staging.deploy'?".into())
        );
    }
}
