//! JSON (pretty or compact) that escapes DEL, C1 and the invisible/bidi characters
//! as `\uXXXX`: the text round-trips exactly, yet no raw control byte reaches a terminal.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use super::sanitize::is_unsafe;

struct SafeFormatter<F>(F);

macro_rules! delegate {
    ($($name:ident $(, $arg:ident: $ty:ty)*;)*) => {
        $(fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(w $(, $arg)*)
        })*
    };
}

impl<F: Formatter> Formatter for SafeFormatter<F> {
    delegate! {
        begin_array;
        end_array;
        begin_array_value, first: bool;
        end_array_value;
        begin_object;
        end_object;
        begin_object_key, first: bool;
        end_object_key;
        begin_object_value;
        end_object_value;
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// Serializes `value` as terminal-safe JSON.
pub fn to_string<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Result<String, serde_json::Error> {
    let mut buf = Vec::new();
    if pretty {
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter(PrettyFormatter::new()));
        value.serialize(&mut ser)?;
    } else {
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter(CompactFormatter));
        value.serialize(&mut ser)?;
    }
    // Only valid UTF-8 was written.
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_del_c1_and_bidi() {
        let s = to_string(&["a\u{7f}\u{85}\u{202e}\u{1b}z"], false).unwrap();
        assert_eq!(s, r#"["a\u007f\u0085\u202e\u001bz"]"#);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        #[test]
        fn round_trips_exactly(s in any::<String>()) {
            for pretty in [true, false] {
                let json = to_string(&serde_json::json!({"k": s}), pretty).unwrap();
                prop_assert!(!json.chars().any(|c| c != '\n' && c != ' ' && is_unsafe(c)));
                let back: serde_json::Value = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back["k"].as_str(), Some(s.as_str()));
            }
        }
    }
}
