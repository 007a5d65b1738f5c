//! `--jq EXPR`: filter a command's JSON result with a jq expression (jaq).
//!
//! The expression is compiled once, before any request is made, so a typo is a usage
//! error (exit 2) that points at the column, not a failure after the work is done.
//! The jq standard library (`map`, `select`, `keys`, `test`, `fromdate`, `@csv`, …) is
//! available; there are no extra inputs and no variables.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data};
use jaq_json::{Num, Val};
use serde_json::Value;

type Data = data::JustLut<Val>;

/// `@csv` and `@tsv`, which jq has and jaq's libraries leave to the jaq binary.
const EXTRA_DEFS: &str = r#"
def __cell(f): if type == "string" then f elif type == "null" then ""
  elif type == "boolean" or type == "number" then tojson
  else error("\(type) (\(tojson)) is not valid in a csv or tsv row") end;
def @csv: if type == "array" then . else error("cannot csv-format \(type), only an array") end
  | map(__cell("\"" + (split("\"") | join("\"\"")) + "\"")) | join(",");
def @tsv: if type == "array" then . else error("cannot tsv-format \(type), only an array") end
  | map(__cell(split("\\") | join("\\\\") | split("\t") | join("\\t")
      | split("\n") | join("\\n") | split("\r") | join("\\r"))) | join("\t");
"#;

/// A compiled `--jq` expression.
pub struct JqFilter {
    filter: jaq_core::Filter<Data>,
    max_outputs: usize,
}

/// More outputs than this is taken for an endless expression (`repeat(.)`, `range(infinite)`).
pub const MAX_OUTPUTS: usize = 1_000_000;

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JqFilter").finish_non_exhaustive()
    }
}

/// What can go wrong with `--jq`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JqError {
    /// The expression does not parse or names something that does not exist (a usage
    /// error). `position` is the byte offset into the expression; `line` and `column`
    /// are 1-based, the column counted in characters.
    #[error("invalid --jq expression at {}: {message}", at(*.line, *.column))]
    Syntax {
        message: String,
        position: usize,
        line: usize,
        column: usize,
    },
    /// The expression failed on this input, e.g. `.foo` applied to an array.
    #[error("--jq expression failed: {0}")]
    Runtime(String),
}

fn at(line: usize, column: usize) -> String {
    if line == 1 {
        format!("column {column}")
    } else {
        format!("line {line}, column {column}")
    }
}

impl JqError {
    fn syntax(expr: &str, position: usize, message: String) -> JqError {
        let position = position.min(expr.len());
        let before = &expr[..floor_char_boundary(expr, position)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        JqError::Syntax {
            message,
            position,
            line,
            column,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of `part` inside `whole`, when `part` is a slice of it.
fn offset_in(whole: &str, part: &str) -> usize {
    let start = whole.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    if p >= start && p <= start + whole.len() {
        p - start
    } else {
        whole.len()
    }
}

impl JqFilter {
    /// Parses and compiles `expr` with the jq standard library.
    pub fn compile(expr: &str) -> Result<JqFilter, JqError> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs())
            .chain(jaq_core::load::parse(EXTRA_DEFS, |p| p.defs()).unwrap_or_default());
        let funs = jaq_core::funs::<Data>()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let program = File { code: expr, path: () };
        let modules = Loader::new(defs)
            .load(&arena, program)
            .map_err(|errs| load_error(expr, errs))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .with_global_vars(["$ENV"])
            .compile(modules)
            .map_err(|errs| compile_error(expr, errs))?;
        Ok(JqFilter {
            filter,
            max_outputs: MAX_OUTPUTS,
        })
    }

    /// Sets how many outputs [`run`](Self::run) accepts before failing (default
    /// [`MAX_OUTPUTS`]).
    pub fn with_max_outputs(mut self, max_outputs: usize) -> JqFilter {
        self.max_outputs = max_outputs;
        self
    }

    /// Runs the filter on one input and collects every output.
    pub fn run(&self, input: Value) -> Result<Vec<Value>, JqError> {
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([env()]));
        let mut out = Vec::new();
        for item in self.filter.id.run((ctx, to_val(input))) {
            match item {
                Ok(_) if out.len() == self.max_outputs => {
                    let n = self.max_outputs;
                    return Err(JqError::Runtime(format!(
                        "more than {n} outputs: is the expression endless?"
                    )));
                }
                Ok(v) => out.push(from_val(v)),
                Err(exn) => {
                    let message = match exn.get_err() {
                        // `error("text")` carries a string: show it as written.
                        Ok(err) => match err.into_val() {
                            Val::TStr(b) | Val::BStr(b) => String::from_utf8_lossy(&b).into_owned(),
                            other => other.to_string(),
                        },
                        Err(exn) => match exn.get_halt() {
                            Ok(code) => format!("halt with exit code {code}"),
                            Err(_) => "unexpected control flow".to_owned(),
                        },
                    };
                    return Err(JqError::Runtime(message));
                }
            }
        }
        Ok(out)
    }
}

/// How `--jq` results are printed: one value per line; a string as raw text (like
/// `gh --jq`, so `--jq '.[].id'` gives plain IDs) with everything but TAB and LF
/// sanitized, anything else as terminal-safe JSON, indented unless `compact`. The
/// text ends with a newline unless there are no values.
pub fn to_text(values: &[Value], compact: bool) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for v in values {
        match v {
            Value::String(s) => out.push_str(&super::sanitize::sanitize_keeping_layout(s)),
            other => out.push_str(&super::json::to_string(other, !compact)?),
        }
        out.push('\n');
    }
    Ok(out)
}

fn load_error(expr: &str, errs: jaq_core::load::Errors<&str, ()>) -> JqError {
    use jaq_core::load::Error;
    let first = errs.into_iter().next().map(|(_file, e)| e);
    match first {
        Some(Error::Lex(errs)) => match errs.into_iter().next() {
            Some((expected, rest)) => {
                use jaq_core::load::lex::Expect;
                let message = match expected {
                    Expect::Token => "unexpected character".to_owned(),
                    // The slice is the opening delimiter that is never closed.
                    Expect::Delim(open) => {
                        let what = match open {
                            "(" => "parenthesis",
                            "[" => "bracket",
                            "{" => "brace",
                            _ => "quote",
                        };
                        // Point at the opening delimiter: the end is rarely helpful.
                        let message = format!("unclosed {what} `{open}`");
                        return JqError::syntax(expr, offset_in(expr, open), message);
                    }
                    other => format!("expected {}", other.as_str()),
                };
                JqError::syntax(expr, offset_in(expr, rest), message)
            }
            None => JqError::syntax(expr, 0, "cannot read the expression".to_owned()),
        },
        Some(Error::Parse(errs)) => match errs.into_iter().next() {
            Some((expected, found)) => {
                let found_desc = if found.is_empty() {
                    "end of expression".to_owned()
                } else {
                    format!("`{found}`")
                };
                let message = format!("unexpected {found_desc}, expected {}", expected.as_str());
                JqError::syntax(expr, offset_in(expr, found), message)
            }
            None => JqError::syntax(expr, 0, "cannot parse the expression".to_owned()),
        },
        Some(Error::Io(errs)) => {
            let (path, why) = errs.into_iter().next().unwrap_or(("", String::new()));
            JqError::syntax(expr, offset_in(expr, path), format!("cannot import: {why}"))
        }
        None => JqError::syntax(expr, 0, "cannot parse the expression".to_owned()),
    }
}

fn compile_error(expr: &str, errs: jaq_core::compile::Errors<&str, ()>) -> JqError {
    use jaq_core::compile::Undefined;
    let first = errs.into_iter().flat_map(|(_file, es)| es).next();
    match first {
        Some((name, undefined)) => {
            let message = match undefined {
                Undefined::Filter(arity) => format!("undefined function `{name}/{arity}`"),
                Undefined::Var => format!("undefined variable `${}`", name.trim_start_matches('$')),
                other => format!("undefined {} `{name}`", other.as_str()),
            };
            JqError::syntax(expr, offset_in(expr, name), message)
        }
        None => JqError::syntax(expr, 0, "cannot compile the expression".to_owned()),
    }
}

/// serde_json → jaq. Integers stay integers (big ones become jaq big integers).
fn to_val(v: Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(b),
        Value::Number(n) => Val::Num(if let Some(i) = n.as_i64() {
            Num::from_integral(i)
        } else if let Some(u) = n.as_u64() {
            Num::from_integral(u)
        } else {
            Num::Float(n.as_f64().unwrap_or(f64::NAN))
        }),
        Value::String(s) => Val::utf8_str(s.into_bytes()),
        Value::Array(a) => a.into_iter().map(to_val).collect(),
        Value::Object(o) => Val::obj(
            o.into_iter()
                .map(|(k, v)| (Val::utf8_str(k.into_bytes()), to_val(v)))
                .collect(),
        ),
    }
}

/// jaq → serde_json. Non-finite floats become `null` (as jq prints them); object keys
/// that are not strings are written as their JSON text.
fn from_val(v: Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(b),
        Val::Num(n) => num_to_json(&n),
        Val::TStr(b) | Val::BStr(b) => Value::String(String::from_utf8_lossy(&b).into_owned()),
        Val::Arr(a) => Value::Array(a.iter().cloned().map(from_val).collect()),
        Val::Obj(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Val::TStr(b) | Val::BStr(b) => String::from_utf8_lossy(b).into_owned(),
                        other => other.to_string(),
                    };
                    (key, from_val(v.clone()))
                })
                .collect(),
        ),
    }
}

/// `$ENV`: the environment, as jq gives it (keys and values as strings).
fn env() -> Val {
    let vars = std::env::vars_os().map(|(k, v)| {
        (
            Val::utf8_str(k.to_string_lossy().into_owned().into_bytes()),
            Val::utf8_str(v.to_string_lossy().into_owned().into_bytes()),
        )
    });
    Val::obj(vars.collect())
}

/// Whole floats up to 2^53 print as integers, as jq prints them (`10/2` is `5`).
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

fn num_to_json(n: &Num) -> Value {
    match n {
        Num::Int(i) => Value::from(*i as i64),
        Num::Float(f) if f.fract() == 0.0 && f.abs() <= EXACT_INTEGERS => Value::from(*f as i64),
        Num::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        // Big integers and decimal literals: exact when they fit, else the nearest float.
        other => {
            let text = other.to_string();
            text.parse::<serde_json::Number>()
                .ok()
                .map(Value::Number)
                .or_else(|| {
                    text.parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                })
                .unwrap_or(Value::Null)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bindings() -> Value {
        json!([
            {
                "id": "rb_01",
                "role": {"id": "r_admin", "name": "admin"},
                "principal": {"type": "user", "id": "u1", "username": "alice",
                              "email": "alice@example.com", "name": "Alice", "mfa_enabled": true},
                "expires_at": null,
                "created_at": "2026-01-02T03:04:05Z",
                "created_by": null
            },
            {
                "id": "rb_02",
                "role": {"id": "r_viewer", "name": "viewer"},
                "principal": {"type": "user", "id": "u2", "username": "bob",
                              "email": "bob@example.com", "name": null, "mfa_enabled": false},
                "expires_at": "2027-01-01T00:00:00Z",
                "created_at": "2026-01-03T00:00:00Z",
                "created_by": "alice"
            },
            {
                "id": "rb_03",
                "role": {"id": "r_admin", "name": "admin"},
                "principal": {"type": "user", "id": "u3", "username": "zoë",
                              "email": "zoe@example.com", "name": "Zoë Ångström 🚀", "mfa_enabled": true},
                "expires_at": null,
                "created_at": "2026-01-04T00:00:00Z",
                "created_by": "alice"
            },
            {
                "id": "rb_04",
                "role": {"id": "r_viewer", "name": "viewer"},
                "principal": {"type": "team", "id": "t1", "name": "ops"},
                "expires_at": null,
                "created_at": "2026-01-05T00:00:00Z",
                "created_by": "alice"
            }
        ])
    }

    fn run(expr: &str, input: Value) -> Vec<Value> {
        JqFilter::compile(expr)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
            .run(input)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    fn syntax(expr: &str) -> (String, usize, usize, usize) {
        match JqFilter::compile(expr) {
            Err(JqError::Syntax {
                message,
                position,
                line,
                column,
            }) => (message, position, line, column),
            other => panic!("{expr}: expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn select_admin_ids() {
        let out = run(r#".[] | select(.role.name == "admin") | .id"#, bindings());
        assert_eq!(out, vec![json!("rb_01"), json!("rb_03")]);
    }

    #[test]
    fn map_emails_skips_nothing_and_keeps_nulls() {
        let out = run("map(.principal.email)", bindings());
        assert_eq!(
            out,
            vec![json!([
                "alice@example.com",
                "bob@example.com",
                "zoe@example.com",
                null
            ])]
        );
    }

    #[test]
    fn length_is_an_integer() {
        let out = run("length", bindings());
        assert_eq!(out, vec![json!(4)]);
        assert!(out[0].is_i64(), "{:?}", out[0]);
    }

    #[test]
    fn standard_library_is_there() {
        let input = bindings();
        assert_eq!(
            run(".[0] | keys", input.clone()),
            vec![json!([
                "created_at",
                "created_by",
                "expires_at",
                "id",
                "principal",
                "role"
            ])]
        );
        assert_eq!(
            run(
                r#"[.[] | select(.principal.email // "" | test("^b")) | .id]"#,
                input.clone()
            ),
            vec![json!(["rb_02"])]
        );
        assert_eq!(
            run(
                "group_by(.role.name) | map({role: .[0].role.name, n: length})",
                input.clone()
            ),
            vec![json!([{"role": "admin", "n": 2}, {"role": "viewer", "n": 2}])]
        );
        assert_eq!(
            run(
                r#"[.[] | select(.expires_at != null) | .expires_at | fromdate] | .[0]"#,
                input.clone()
            ),
            vec![json!(1798761600)]
        );
        assert_eq!(
            run(r#".[1] | [.id, .role.name] | @csv"#, input.clone()),
            vec![json!(r#""rb_02","viewer""#)]
        );
        assert_eq!(
            run(r#"[.[1].id, "say \"hi\"", 3, true, null] | @csv"#, input.clone()),
            vec![json!(r#""rb_02","say ""hi""",3,true,"#)]
        );
        assert_eq!(
            run(r#"["a\tb", "c\\d\ne", 1] | @tsv"#, input.clone()),
            vec![json!("a\\tb\tc\\\\d\\ne\t1")]
        );
        assert!(JqFilter::compile("{} | @csv").unwrap().run(Value::Null).is_err());
        assert!(
            JqFilter::compile("[{}] | @tsv")
                .unwrap()
                .run(Value::Null)
                .is_err()
        );
        assert_eq!(
            run("[.[].principal.type] | unique", input.clone()),
            vec![json!(["team", "user"])]
        );
        assert_eq!(
            run("[.[] | .id] | join(\",\")", input),
            vec![json!("rb_01,rb_02,rb_03,rb_04")]
        );
    }

    #[test]
    fn no_output_and_many_outputs() {
        assert_eq!(run("empty", json!([1, 2])), Vec::<Value>::new());
        assert_eq!(
            run(".[]", json!([1, "a", null])),
            vec![json!(1), json!("a"), json!(null)]
        );
    }

    #[test]
    fn values_round_trip() {
        let input = json!({
            "s": "Zoë 🚀 \"quoted\" \\ \n tab\t",
            "i": -42,
            "big": u64::MAX,
            "min": i64::MIN,
            "f": 1.5,
            "t": true,
            "n": null,
            "nested": {"a": [1, {"b": [[], {}]}], "z": {"y": "x"}},
        });
        assert_eq!(run(".", input.clone()), vec![input.clone()]);
        let out = run(".big", input.clone());
        assert_eq!(out[0].as_u64(), Some(u64::MAX));
        let out = run(".min", input.clone());
        assert_eq!(out[0].as_i64(), Some(i64::MIN));
        let out = run(".i + 1", input.clone());
        assert!(out[0].is_i64(), "integer arithmetic stays integer: {:?}", out[0]);
        assert_eq!(out[0], json!(-41));
        // A whole float prints as jq prints it: `3`, not `3.0`.
        assert_eq!(run(".f * 2", input.clone()), vec![json!(3)]);
        assert_eq!(run(".f / 2", input), vec![json!(0.75)]);
        assert_eq!(run("10 / 2", Value::Null), vec![json!(5)]);
    }

    #[test]
    fn env_and_dollar_env_are_the_environment() {
        let path = std::env::var("PATH").unwrap_or_default();
        assert_eq!(run("$ENV.PATH", Value::Null), vec![json!(path)]);
        assert_eq!(run("env.PATH", Value::Null), vec![json!(path)]);
    }

    #[test]
    fn key_order_follows_the_input() {
        let input = json!({"zeta": 1, "alpha": 2, "mid": 3});
        let expected: Vec<Value> = input.as_object().unwrap().keys().map(|k| json!(k)).collect();
        assert_eq!(
            run("[to_entries[].key]", input.clone()),
            vec![Value::Array(expected)]
        );
        // Objects built by the filter keep the order jaq gives them.
        let out = run("{b: 1, a: 2}", Value::Null);
        let keys: Vec<&String> = out[0].as_object().unwrap().keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        // Whichever map serde_json uses, both keys are there exactly once.
        assert_eq!(sorted, vec!["a", "b"]);
    }

    #[test]
    fn non_finite_numbers_become_null() {
        assert_eq!(run("[infinite, nan]", Value::Null), vec![json!([null, null])]);
    }

    #[test]
    fn parse_error_says_where() {
        let (message, position, line, column) = syntax(".[] | select(.a ==)");
        assert_eq!((position, line, column), (18, 1, 19), "{message}");
        assert!(message.contains("`)`"), "{message}");

        let (message, position, _, column) = syntax(".foo |");
        assert_eq!((position, column), (6, 7));
        assert!(message.contains("end of expression"), "{message}");

        let err = JqFilter::compile(".foo |").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid --jq expression at column 7: unexpected end of expression, expected term"
        );
    }

    #[test]
    fn lex_errors_say_where() {
        let (message, position, _, column) = syntax(".a | § ");
        assert_eq!((position, column), (5, 6), "{message}");
        assert_eq!(message, "unexpected character");

        let (message, position, _, _) = syntax(r#".a | "open"#);
        assert_eq!(position, 5, "{message}");
        assert_eq!(message, "unclosed quote `\"`");

        let (message, position, _, _) = syntax("map(.a");
        assert_eq!(position, 3, "{message}");
        assert_eq!(message, "unclosed parenthesis `(`");

        let (message, position, _, _) = syntax(".[] | {a: [1, 2}");
        assert_eq!(position, 10, "{message}");
        assert!(message.contains("bracket"), "{message}");
    }

    #[test]
    fn undefined_names_are_syntax_errors() {
        let (message, position, _, column) = syntax(".[] | selectt(.a)");
        assert_eq!((position, column), (6, 7));
        assert_eq!(message, "undefined function `selectt/1`");

        let (message, position, _, _) = syntax(".[] | $nope");
        assert_eq!(position, 6);
        assert!(
            message.contains("undefined variable") && message.contains("nope"),
            "{message}"
        );
    }

    #[test]
    fn columns_count_characters_and_lines() {
        // "ö" is two bytes but one column.
        let (_, position, line, column) = syntax(r#"select(.name == "ö") | )"#);
        assert_eq!((position, line, column), (24, 1, 24));

        let err = JqFilter::compile(".a |\n  .b | )").unwrap_err();
        let JqError::Syntax { line, column, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!((line, column), (2, 8));
        assert!(
            err.to_string()
                .starts_with("invalid --jq expression at line 2, column 8: "),
            "{err}"
        );
    }

    #[test]
    fn modules_cannot_be_loaded() {
        for expr in [r#"import "x" as x; ."#, r#"include "x"; ."#] {
            let (message, position, ..) = syntax(expr);
            assert!(message.starts_with("cannot import"), "{expr}: {message}");
            assert!(position < expr.len(), "{expr}: {position}");
        }
    }

    #[test]
    fn empty_expression_is_an_error() {
        let (message, position, _, column) = syntax("");
        assert_eq!((position, column), (0, 1), "{message}");
    }

    #[test]
    fn runtime_errors() {
        let f = JqFilter::compile(".foo").unwrap();
        let err = f.run(bindings()).unwrap_err();
        let JqError::Runtime(message) = &err else {
            panic!("{err:?}")
        };
        assert!(message.contains("cannot index"), "{message}");
        assert!(err.to_string().starts_with("--jq expression failed: "), "{err}");

        let err = JqFilter::compile(r#"error("boom")"#)
            .unwrap()
            .run(Value::Null)
            .unwrap_err();
        assert_eq!(err, JqError::Runtime("boom".into()));

        // `halt` must not exit the process.
        let err = JqFilter::compile("halt").unwrap().run(Value::Null).unwrap_err();
        assert!(matches!(err, JqError::Runtime(_)), "{err:?}");
    }

    #[test]
    fn filter_can_be_shared_across_threads() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        send_sync(&JqFilter::compile(".").unwrap());
    }

    #[test]
    fn text_output() {
        let values = vec![json!("rb_01"), json!({"a": [1]}), json!(2), json!(null)];
        assert_eq!(to_text(&values, true).unwrap(), "rb_01\n{\"a\":[1]}\n2\nnull\n");
        assert_eq!(
            to_text(&values[1..2], false).unwrap(),
            "{\n  \"a\": [\n    1\n  ]\n}\n"
        );
        assert_eq!(to_text(&[], false).unwrap(), "");
        // Strings are sanitized but keep their layout; JSON escapes instead.
        let hostile = vec![json!("a\tb\u{1b}[31m\u{202e}\n"), json!(["\u{202e}"])];
        assert_eq!(
            to_text(&hostile, true).unwrap(),
            "a\tb\\u{1b}[31m\\u{202e}\n\n[\"\\u202e\"]\n"
        );
    }

    #[test]
    fn endless_output_is_cut() {
        let f = JqFilter::compile("repeat(1)").unwrap().with_max_outputs(100);
        let err = f.run(Value::Null).unwrap_err();
        assert_eq!(
            err,
            JqError::Runtime("more than 100 outputs: is the expression endless?".into())
        );
        let f = JqFilter::compile("range(100)").unwrap().with_max_outputs(100);
        assert_eq!(f.run(Value::Null).unwrap().len(), 100);
    }

    #[test]
    fn a_filter_runs_many_times() {
        let f = JqFilter::compile(".a").unwrap();
        for i in 0..100 {
            assert_eq!(f.run(json!({"a": i})).unwrap(), vec![json!(i)]);
        }
    }
}
