//! `--template TPL`: render a command's JSON result with a minijinja template.
//!
//! For a JSON array the template is rendered once per item; the item's fields are the
//! top-level variables and the whole item is also `item` (so `{{ item.item }}` reaches
//! a field that is itself called `item`). Anything else (an object, a string…) is
//! rendered once the same way. Each rendering ends with exactly one newline unless it
//! already ends with one, so `--template '{{ id }}'` prints one ID per line.
//!
//! Printing a variable that does not exist is an error naming it (a typo must not
//! silently print nothing), while `{% if detail %}` on an absent field is allowed:
//! many result fields are omitted when empty. `null` prints as nothing. Nothing is
//! HTML-escaped.

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde_json::{Map, Value};

const NAME: &str = "--template";

/// What can go wrong with `--template`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The template does not parse (a usage error).
    #[error("invalid --template at line {line}: {message}")]
    Syntax { line: usize, message: String },
    /// The template prints or uses a variable the result does not have.
    #[error("--template uses `{name}` at line {line}, which is not defined{}", item_suffix(*.item))]
    Undefined {
        name: String,
        line: usize,
        /// 0-based index of the array item being rendered, if the result is an array.
        item: Option<usize>,
    },
    /// Any other failure while rendering (a filter given the wrong type, …).
    #[error("--template failed at line {line}: {message}{}", item_suffix(*.item))]
    Render {
        line: usize,
        message: String,
        item: Option<usize>,
    },
}

fn item_suffix(item: Option<usize>) -> String {
    item.map(|i| format!(" (item {})", i + 1)).unwrap_or_default()
}

/// A parsed template, checked before any request is made.
pub struct Template {
    env: Environment<'static>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template").finish_non_exhaustive()
    }
}

impl Template {
    /// Parses `source`; a syntax error says on which line.
    pub fn compile(source: &str) -> Result<Template, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_keep_trailing_newline(true);
        env.set_debug(true);
        // JSON null prints as nothing (not Python's `none`), like an empty cell.
        env.set_formatter(|out, state, value| {
            if value.is_none() {
                Ok(())
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        env.add_template_owned(NAME, source.to_owned())
            .map_err(|e| TemplateError::Syntax {
                line: e.line().unwrap_or(1),
                message: message(&e),
            })?;
        Ok(Template { env })
    }

    /// Renders `value`: once per item for an array, once otherwise.
    pub fn render(&self, value: &Value) -> Result<String, TemplateError> {
        let mut out = String::new();
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.render_one(item, Some(i), &mut out)?;
                }
            }
            other => self.render_one(other, None, &mut out)?,
        }
        Ok(out)
    }

    fn render_one(&self, value: &Value, index: Option<usize>, out: &mut String) -> Result<(), TemplateError> {
        let mut vars = match value {
            Value::Object(fields) => fields.clone(),
            _ => serde_json::Map::new(),
        };
        vars.insert("item".to_owned(), value.clone());
        let tmpl = self
            .env
            .get_template(NAME)
            .map_err(|e| render_error(&e, None, &vars))?;
        let text = tmpl
            .render(minijinja::Value::from_serialize(&vars))
            .map_err(|e| render_error(&e, index, &vars))?;
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        Ok(())
    }
}

/// Parses `template` and renders `value` with it (see [`Template`]).
pub fn render(template: &str, value: &Value) -> Result<String, TemplateError> {
    Template::compile(template)?.render(value)
}

fn message(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => detail.to_owned(),
        None => e.kind().to_string(),
    }
}

fn render_error(e: &minijinja::Error, item: Option<usize>, vars: &Map<String, Value>) -> TemplateError {
    let line = e.line().unwrap_or(1);
    // Besides UndefinedError, a function given an undefined argument fails with
    // "cannot convert undefined to …": name the variable in both cases.
    let undefined =
        e.kind() == ErrorKind::UndefinedError || e.detail().is_some_and(|d| d.contains("undefined"));
    if undefined {
        let name = match (e.template_source(), e.range()) {
            (Some(src), Some(range)) if src.get(range.clone()).is_some() => undefined_name(src, range, vars),
            _ => None,
        };
        if let Some(name) = name {
            return TemplateError::Undefined { name, line, item };
        }
        if e.kind() == ErrorKind::UndefinedError {
            let name = "a variable".to_owned();
            return TemplateError::Undefined { name, line, item };
        }
    }
    TemplateError::Render {
        line,
        message: message(e),
        item,
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Names what is undefined, given the span minijinja blames (with `debug` on, the
/// failing expression, but sometimes only part of it: `.b.c` of `a.b.c`, or the filter
/// `upper` of `foo | upper`). Returns the shortest missing path, like `role.nmae`.
fn undefined_name(src: &str, range: std::ops::Range<usize>, vars: &Map<String, Value>) -> Option<String> {
    // Widen to the whole dotted path the span belongs to.
    let start = src[..range.start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c) || *c == '.')
        .last()
        .map_or(range.start, |(i, _)| i);
    let span = src[start..range.end].trim();
    let before = src[..start].trim_end();
    // `x | filter`: the undefined value is the filter's input, left of the `|`.
    if before.ends_with('|') && !before.ends_with("||") {
        let left = &before[..before.len() - 1];
        let tag_start = left.rfind("{{").or_else(|| left.rfind("{%")).map_or(0, |i| i + 2);
        return first_missing(&left[tag_start..], vars);
    }
    first_missing(span, vars).or_else(|| Some(span.to_owned()))
}

/// The first dotted path in `expr` (outside string literals, not a function call or a
/// keyword) that does not resolve in `vars`, cut at its first missing part.
fn first_missing(expr: &str, vars: &Map<String, Value>) -> Option<String> {
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None",
        "loop",
    ];
    let mut paths = Vec::new();
    let mut chars = expr.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
        } else if is_ident(c) && !c.is_ascii_digit() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if is_ident(d) || d == '.' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let path = expr[i..end].trim_end_matches('.');
            let called = expr[end..].trim_start().starts_with('(');
            if !called && !KEYWORDS.contains(&path) {
                paths.push(path);
            }
        }
    }
    paths.into_iter().find_map(|path| missing_prefix(path, vars))
}

/// `Some(prefix)` up to the first part of `path` that `vars` lacks; `None` if it resolves.
fn missing_prefix(path: &str, vars: &Map<String, Value>) -> Option<String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut current = match vars.get(parts[0]) {
        Some(v) => v,
        None => return Some(parts[0].to_owned()),
    };
    for (i, part) in parts.iter().enumerate().skip(1) {
        let next = match current {
            Value::Object(fields) => fields.get(*part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return Some(parts[..=i].join(".")),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bindings() -> Value {
        json!([
            {"id": "rb_01", "role": {"name": "admin"},
             "principal": {"type": "user", "email": "alice@example.com", "name": "Alice"}},
            {"id": "rb_02", "role": {"name": "viewer"},
             "principal": {"type": "user", "email": "zoe@example.com", "name": "Zoë Ångström 🚀"}},
            {"id": "rb_03", "role": {"name": "viewer"},
             "principal": {"type": "team", "name": "ops"}}
        ])
    }

    #[test]
    fn array_renders_once_per_item() {
        let out = render("{{ id }} {{ role.name }}", &bindings()).unwrap();
        assert_eq!(out, "rb_01 admin\nrb_02 viewer\nrb_03 viewer\n");
    }

    #[test]
    fn item_is_the_whole_item() {
        let out = render("{{ item.id }}={{ id }}", &bindings()).unwrap();
        assert_eq!(out, "rb_01=rb_01\nrb_02=rb_02\nrb_03=rb_03\n");
        // A field called `item` is still reachable.
        let out = render("{{ item.item }}", &json!([{"item": "x"}])).unwrap();
        assert_eq!(out, "x\n");
        // Scalars only have `item`.
        let out = render("<{{ item }}>", &json!(["a", 1, null])).unwrap();
        assert_eq!(out, "<a>\n<1>\n<>\n");
        let out = render("[{{ expires_at }}]", &json!({"expires_at": null})).unwrap();
        assert_eq!(out, "[]\n");
    }

    #[test]
    fn object_renders_once() {
        let out = render(
            "{{ name }} has {{ members | length }}",
            &json!({"name": "ops", "members": [1, 2]}),
        )
        .unwrap();
        assert_eq!(out, "ops has 2\n");
    }

    #[test]
    fn empty_array_renders_nothing() {
        assert_eq!(render("{{ id }}", &json!([])).unwrap(), "");
    }

    #[test]
    fn exactly_one_newline_per_rendering() {
        let v = json!([{"a": 1}, {"a": 2}]);
        assert_eq!(render("{{ a }}\n", &v).unwrap(), "1\n2\n");
        assert_eq!(render("{{ a }}", &v).unwrap(), "1\n2\n");
        // What the user writes is kept: a blank line between items when asked for.
        assert_eq!(render("{{ a }}\n\n", &v).unwrap(), "1\n\n2\n\n");
        assert_eq!(render("a={{ a }}\nb", &v).unwrap(), "a=1\nb\na=2\nb\n");
        // Windows line ending in the template is left alone.
        assert_eq!(render("{{ a }}\r\n", &v).unwrap(), "1\r\n2\r\n");
    }

    #[test]
    fn unicode_and_no_html_escaping() {
        let users = Value::Array(bindings().as_array().unwrap()[..2].to_vec());
        let out = render("{{ principal.name }} <{{ principal.email }}> & co", &users).unwrap();
        assert_eq!(
            out,
            "Alice <alice@example.com> & co\nZoë Ångström 🚀 <zoe@example.com> & co\n"
        );
        let out = render(
            "{{ name | upper }}|{{ name | length }}",
            &json!({"name": "zoë🚀"}),
        )
        .unwrap();
        assert_eq!(out, "ZOË🚀|4\n");
    }

    #[test]
    fn missing_field_names_the_variable_and_line() {
        let err = render("{{ id }}\n{{ nmae }}", &bindings()).unwrap_err();
        assert_eq!(
            err,
            TemplateError::Undefined {
                name: "nmae".into(),
                line: 2,
                item: Some(0)
            }
        );
        assert_eq!(
            err.to_string(),
            "--template uses `nmae` at line 2, which is not defined (item 1)"
        );
    }

    #[test]
    fn missing_nested_field_on_one_item() {
        // The third binding is a team: it has no email.
        let err = render("{{ principal.email }}", &bindings()).unwrap_err();
        let TemplateError::Undefined { name, line, item } = err else {
            panic!("{err:?}")
        };
        assert_eq!((name.as_str(), line, item), ("principal.email", 1, Some(2)));
    }

    #[test]
    fn undefined_names_in_expressions() {
        let v = json!({"role": {"name": "admin"}, "n": 1});
        let name = |t: &str| match render(t, &v) {
            Err(TemplateError::Undefined { name, .. }) => name,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(name("{{ foo | upper }}"), "foo");
        assert_eq!(name("{{ role.nope | upper }}"), "role.nope");
        assert_eq!(name("{{ 'x' ~ foo }}"), "foo");
        assert_eq!(name("{{ 'foo' ~ role.name ~ bar }}"), "bar");
        assert_eq!(name("{{ role.name.nope.deeper }}"), "role.name.nope");
        assert_eq!(name("{{ item.role.nope }}"), "item.role.nope");
        assert_eq!(name("{% for x in nope %}{{ x }}{% endfor %}"), "nope");
        assert_eq!(name("{{ range(foo) | length }}"), "foo");
        assert_eq!(name("{{ n }}{% if n is defined %}{{ nope }}{% endif %}"), "nope");
    }

    #[test]
    fn absent_fields_can_be_tested_and_defaulted() {
        let tpl = "{{ principal.name }}{% if principal.email %} <{{ principal.email }}>{% endif %}";
        let out = render(tpl, &bindings()).unwrap();
        assert_eq!(
            out,
            "Alice <alice@example.com>\nZoë Ångström 🚀 <zoe@example.com>\nops\n"
        );
        let out = render("{{ principal.email | default('-') }}", &bindings()).unwrap();
        assert_eq!(out, "alice@example.com\nzoe@example.com\n-\n");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = Template::compile("{{ id }}\n{% if x %}\n{{ y }").unwrap_err();
        let TemplateError::Syntax { line, message } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(*line, 3, "{message}");
        assert!(
            err.to_string().starts_with("invalid --template at line 3: "),
            "{err}"
        );

        let err = render("{{ id ", &json!({})).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid --template at line 1: "),
            "{err}"
        );

        let err = render("{% for x in y %}", &json!({})).unwrap_err();
        assert!(matches!(err, TemplateError::Syntax { line: 1, .. }), "{err:?}");
    }

    #[test]
    fn render_errors_other_than_undefined() {
        let err = render("{{ a + b }}", &json!({"a": 1, "b": "x"})).unwrap_err();
        assert!(
            matches!(
                err,
                TemplateError::Render {
                    line: 1,
                    item: None,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn json_filter_and_loops() {
        let out = render(
            "{{ name }}: {% for m in members %}{{ m.email }}{% if not loop.last %}, {% endif %}{% endfor %} {{ members | tojson }}",
            &json!({"name": "ops", "members": [{"email": "a@x.io"}, {"email": "b@x.io"}]}),
        )
        .unwrap();
        assert_eq!(
            out,
            "ops: a@x.io, b@x.io [{\"email\":\"a@x.io\"},{\"email\":\"b@x.io\"}]\n"
        );
    }

    #[test]
    fn compiled_template_renders_many_values() {
        let t = Template::compile("{{ n * 2 }}").unwrap();
        for n in 0..50 {
            assert_eq!(t.render(&json!({"n": n})).unwrap(), format!("{}\n", n * 2));
        }
    }
}
