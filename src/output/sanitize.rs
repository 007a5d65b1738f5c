//! Makes server-supplied strings safe for a terminal: C0 controls (TAB, CR and LF
//! included), DEL, C1 controls, bidi controls and zero-width characters become
//! visible escapes like `\u{1b}`; everything else is kept as it is.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1
        || matches!(
            c,
            '\u{061C}'                  // ARABIC LETTER MARK
            | '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{2028}'..='\u{2029}'   // line and paragraph separators
            | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
            | '\u{2060}'..='\u{2069}'   // word joiner, invisible operators, bidi isolates
            | '\u{FEFF}'                // zero-width no-break space / BOM
            | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation controls
        )
}

/// `s` with every unsafe character replaced by `\u{XX}`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    escape(s, is_unsafe)
}

/// Like [`sanitize`], but TAB and LF stay: for text a user's own filter laid out
/// (`--jq` results such as `@tsv` rows).
pub fn sanitize_keeping_layout(s: &str) -> Cow<'_, str> {
    escape(s, |c| c != '\t' && c != '\n' && is_unsafe(c))
}

fn escape(s: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_controls_and_keeps_the_rest() {
        assert_eq!(sanitize("plain Zoë 🚀"), "plain Zoë 🚀");
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\ty\r\n"), "x\\u{9}y\\u{d}\\u{a}");
        assert_eq!(sanitize("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
        assert_eq!(sanitize("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(sanitize("a\u{200b}b\u{feff}"), "a\\u{200b}b\\u{feff}");
    }

    /// The shared corpus (tests/data/terminal-payloads.json): nothing unsafe gets
    /// through and every safe character survives.
    #[test]
    fn corpus_payloads_are_neutralized() {
        let corpus: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/terminal-payloads.json")).unwrap();
        let payloads = corpus["payloads"].as_array().unwrap();
        assert!(payloads.len() >= 40);
        for p in payloads {
            let value = p["value"].as_str().unwrap();
            let out = sanitize(value);
            assert!(!out.chars().any(is_unsafe), "{}: {out:?}", p["name"]);
            assert!(!out.contains('\u{1b}'), "{}", p["name"]);
            let kept: String = value.chars().filter(|c| !is_unsafe(*c)).collect();
            let visible: String = out.chars().collect();
            for c in kept.chars() {
                assert!(visible.contains(c), "{}: lost {c:?}", p["name"]);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]
        #[test]
        fn never_emits_unsafe_and_is_reversible_for_safe_text(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_unsafe));
            // Every safe character survives, in order.
            let kept: String = s.chars().filter(|c| !is_unsafe(*c)).collect();
            let mut rest = out.as_ref();
            for c in kept.chars() {
                let i = rest.find(c);
                prop_assert!(i.is_some());
                rest = &rest[i.unwrap_or(0) + c.len_utf8()..];
            }
        }
    }
}
