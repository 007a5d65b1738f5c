//! Unit tests of the email list: every accepted shape, line numbers, bad input.

use super::*;
use proptest::prelude::*;

fn parse(text: &str) -> Result<EmailList, EmailListError> {
    parse_email_list("emails.txt", text.as_bytes())
}

/// The entries of a list that must have no invalid line.
fn entries(text: &str) -> Vec<EmailEntry> {
    let list = parse(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.invalid, vec![], "{text:?}");
    list.entries
}

fn emails(text: &str) -> Vec<String> {
    entries(text).into_iter().map(|e| e.email).collect()
}

fn entry(email: &str, role: Option<&str>, line: usize) -> EmailEntry {
    EmailEntry {
        email: email.into(),
        role: role.map(Into::into),
        line,
    }
}

fn invalid(text: &str) -> Vec<InvalidLine> {
    let lines = parse(text).unwrap_or_else(|e| panic!("{e}")).invalid;
    assert!(!lines.is_empty(), "expected invalid lines in {text:?}");
    lines
}

#[test]
fn one_per_line_with_comments_and_blanks() {
    let text = "# people to invite\n\nalice@example.com\n   bob@example.com   \n\n# carol later\ndave@example.com # the new one\n\t\n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", None, 3),
            entry("bob@example.com", None, 4),
            entry("dave@example.com", None, 7),
        ]
    );
}

#[test]
fn hash_inside_an_email_is_not_a_comment() {
    assert_eq!(emails("a#b@example.com\n"), vec!["a#b@example.com"]);
    assert_eq!(emails("a#b@example.com #c\n"), vec!["a#b@example.com"]);
    assert_eq!(emails("#a@example.com\nb@example.com"), vec!["b@example.com"]);
}

#[test]
fn crlf_bom_and_no_final_newline() {
    let text = "\u{FEFF}alice@example.com\r\nbob@example.com # x\r\n\r\ncarol@example.com";
    assert_eq!(
        emails(text),
        vec!["alice@example.com", "bob@example.com", "carol@example.com"]
    );
    // A BOM followed by a header row is still a header.
    let text = "\u{FEFF}Email,Role\r\nalice@example.com,viewer\r\n";
    assert_eq!(entries(text), vec![entry("alice@example.com", Some("viewer"), 2)]);
}

#[test]
fn emails_are_normalized() {
    assert_eq!(
        emails("Alice.Smith@Example.COM\n"),
        vec!["alice.smith@example.com"]
    );
}

#[test]
fn csv_with_header_any_case_any_order_extra_columns() {
    let text = "name,ROLE,Email,team\nAlice,admin,alice@example.com,ops\nBob,,bob@example.com,dev\nCarol,Viewer,carol@example.com\n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", Some("admin"), 2),
            entry("bob@example.com", None, 3),
            entry("carol@example.com", Some("viewer"), 4),
        ]
    );
    // Header with only an email column.
    assert_eq!(emails("email\na@example.com\n"), vec!["a@example.com"]);
    // Comments and blank lines before the header are fine.
    let text = "# exported\n\n email , role \n a@example.com , viewer \n";
    assert_eq!(entries(text), vec![entry("a@example.com", Some("viewer"), 4)]);
}

#[test]
fn csv_header_row_missing_value() {
    let lines = invalid("name,email\nAlice\n");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].line, 2);
    assert_eq!(lines[0].reason, "no value in the email column");
}

#[test]
fn csv_without_header() {
    let text = "alice@example.com,admin\nbob@example.com\ncarol@example.com, viewer\n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", Some("admin"), 1),
            entry("bob@example.com", None, 2),
            entry("carol@example.com", Some("viewer"), 3),
        ]
    );
    let lines = invalid("a@example.com,viewer,extra\n");
    assert_eq!(lines[0].line, 1);
    assert!(lines[0].reason.contains("header"), "{}", lines[0].reason);
}

#[test]
fn quoted_csv_fields() {
    let text = "\"name\",\"email\",\"role\"\n\"Smith, Alice # not a comment\",\"alice@example.com\",\"admin\"\n\"Bob \"\"B\"\"\" , \"bob@example.com\" ,viewer # trailing\n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", Some("admin"), 2),
            entry("bob@example.com", Some("viewer"), 3),
        ]
    );
    let lines = invalid("a@example.com\n\"bob@example.com\"x\nc@example.com, \"viewer\"\n");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].line, 2);
    assert_eq!(lines[0].reason, "unexpected text after a closing quote");
    // A quote opened after spaces is read as quoting the field.
    assert_eq!(
        entries("a@example.com , \"viewer\"\n"),
        vec![entry("a@example.com", Some("viewer"), 1)]
    );
}

#[test]
fn a_quote_never_closed_is_a_bad_file() {
    for (text, line) in [
        ("a@example.com\n\"alice@example.com\nb@example.com\n", 2),
        ("Email,Name\na@example.com,\"Al\nb@example.com,Bob\n", 2),
    ] {
        let err = parse(text).unwrap_err();
        assert!(
            matches!(err, EmailListError::UnterminatedQuote { line: l, .. } if l == line),
            "{text:?}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("emails.txt: the quote opened on line {line} is never closed")
        );
    }
}

#[test]
fn header_names_of_real_exports_in_any_position() {
    for header in [
        "Email",
        "E-mail",
        "Email Address",
        "EMAIL",
        "e-mail address",
        "Email Address [Required]",
    ] {
        let text = format!("First Name,Last Name,{header},Team\nAda,Lovelace,Ada@Example.com,ops\n");
        assert_eq!(
            entries(&text),
            vec![entry("ada@example.com", None, 2)],
            "{header}"
        );
    }
    // Outlook: the second address column is not the email column; the first one is.
    let text = "First Name,E-mail Address,E-mail 2 Address,Role\nA,a@example.com,other@example.com,Admin\n";
    assert_eq!(entries(text), vec![entry("a@example.com", Some("admin"), 2)]);
}

#[test]
fn semicolon_and_tab_delimiters_are_sniffed() {
    let text =
        "\u{FEFF}Name;E-Mail;Role\r\n\"Smith, Alice\";alice@example.com;viewer\r\nBob;bob@example.com;\r\n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", Some("viewer"), 2),
            entry("bob@example.com", None, 3)
        ]
    );
    let text = "Name\tEmail Address\tNotes\nAlice\talice@example.com\tsays, hi; bye\n";
    assert_eq!(entries(text), vec![entry("alice@example.com", None, 2)]);
    // Without a header: the first row decides.
    let text = "a@example.com;admin\nb@example.com\nc@example.com;viewer;\n";
    assert_eq!(
        entries(text),
        vec![
            entry("a@example.com", Some("admin"), 1),
            entry("b@example.com", None, 2),
            entry("c@example.com", Some("viewer"), 3)
        ]
    );
    assert_eq!(
        entries("a@example.com\tadmin\n"),
        vec![entry("a@example.com", Some("admin"), 1)]
    );
}

#[test]
fn quoted_line_breaks_keep_physical_line_numbers() {
    let text = "Name,Email Address,Notes\n\
                \"Alice\",alice@example.com,\"line one\nline two\nline three\"\n\
                Bob,bad-address,x\n\
                \n\
                Carol,carol@example.com,\"a\r\nb\"\r\n\
                Dave,dave@example.com,\n";
    let list = parse(text).unwrap();
    assert_eq!(
        list.entries,
        vec![
            entry("alice@example.com", None, 2),
            entry("carol@example.com", None, 7),
            entry("dave@example.com", None, 9),
        ]
    );
    assert_eq!(list.invalid.len(), 1);
    assert_eq!(
        list.invalid[0].to_string(),
        "invalid email 'bad-address' on line 5: email has no '@'"
    );
    // A line break inside the email cell itself is reported at the row's first line.
    let lines = invalid("Email\n\"a@example.com\nb@example.com\"\nc@example.com\n");
    assert_eq!(lines[0].line, 2);
    assert_eq!(lines[0].email, "a@example.com…");
    assert!(lines[0].reason.contains("spans lines 2–3"), "{}", lines[0].reason);
}

#[test]
fn name_and_address_cells_give_the_address() {
    let text =
        "Alice Smith <Alice@Example.com>\n\"Smith, Bob\" <bob@example.com>\n<carol@example.com>,viewer\n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", None, 1),
            entry("bob@example.com", None, 2),
            entry("carol@example.com", Some("viewer"), 3),
        ]
    );
    let text = "Email;Role\nDave <dave@example.com>;admin\n";
    assert_eq!(entries(text), vec![entry("dave@example.com", Some("admin"), 2)]);
    let lines = invalid("Email\nDave <dave@>\n");
    assert_eq!(lines[0].email, "dave@");
}

#[test]
fn duplicates_keep_the_first() {
    let text = "alice@example.com\nbob@example.com\nALICE@example.com\n alice@EXAMPLE.com \n";
    assert_eq!(
        entries(text),
        vec![
            entry("alice@example.com", None, 1),
            entry("bob@example.com", None, 2)
        ]
    );
    let text = "a@example.com,viewer\nA@example.com,Viewer\n";
    assert_eq!(entries(text), vec![entry("a@example.com", Some("viewer"), 1)]);
}

#[test]
fn duplicate_with_another_role_is_an_error() {
    let lines = invalid("a@example.com,viewer\nb@example.com\nA@example.com,admin\n");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].line, 3);
    assert_eq!(
        lines[0].reason,
        "listed on line 1 with viewer and here with admin"
    );
}

#[test]
fn every_bad_line_is_reported_beside_the_good_ones() {
    let text = "good@example.com\nplain\n\n# c\nalso-good@example.com\na@b\nx@example.com,bad role!\nzoë@example.com\n";
    let list = parse(text).unwrap();
    assert_eq!(
        list.entries,
        vec![
            entry("good@example.com", None, 1),
            entry("also-good@example.com", None, 5)
        ]
    );
    let got: Vec<(usize, &str)> = list.invalid.iter().map(|l| (l.line, l.email.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (2, "plain"),
            (6, "a@b"),
            (7, "x@example.com"),
            (8, "zoë@example.com")
        ]
    );
    assert_eq!(list.invalid[0].reason, "email has no '@'");
    assert!(
        list.invalid[2].reason.starts_with("role may hold only"),
        "{}",
        list.invalid[2].reason
    );
    assert_eq!(
        list.invalid[0].to_string(),
        "invalid email 'plain' on line 2: email has no '@'"
    );
}

#[test]
fn a_list_of_only_bad_lines_is_not_an_error() {
    let text: String = (1..=25).map(|i| format!("bad{i}\n")).collect();
    let list = parse(&text).unwrap();
    assert!(list.entries.is_empty());
    assert_eq!(list.invalid.len(), 25, "every line is kept");
    assert_eq!(
        list.invalid.iter().map(|l| l.line).collect::<Vec<_>>(),
        (1..=25).collect::<Vec<_>>()
    );
}

#[test]
fn empty_input_is_an_error() {
    for text in ["", "\n\n", "# only\n  # comments\n", "\u{FEFF}", "email,role\n"] {
        assert!(
            matches!(parse(text), Err(EmailListError::EmptyFile { .. })),
            "{text:?}: {:?}",
            parse(text)
        );
    }
    assert_eq!(
        parse("").unwrap_err().to_string(),
        "emails.txt has no emails (only blank lines and comments)"
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    let err = parse_email_list("f", &b"a@example.com\nb\xff@example.com\n"[..]).unwrap_err();
    assert!(matches!(err, EmailListError::NotUtf8 { line: 2, .. }), "{err:?}");
}

#[test]
fn ten_thousand_lines() {
    let mut text = String::from("# generated\n");
    for i in 1..=10_000 {
        text.push_str(&format!("user{i}@example.com\n"));
        if i % 1000 == 0 {
            text.push_str(&format!("USER{i}@example.com\n\n"));
        }
    }
    let list = entries(&text);
    assert_eq!(list.len(), 10_000);
    assert_eq!(list[0], entry("user1@example.com", None, 2));
    assert_eq!(list[9_999].email, "user10000@example.com");
    let mut seen = std::collections::HashSet::new();
    assert!(list.iter().all(|e| seen.insert(e.email.clone())));
    assert!(list.windows(2).all(|w| w[0].line < w[1].line));
}

#[test]
fn reads_a_file_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emails.csv");
    std::fs::write(&path, "email,role\na@example.com,admin\n").unwrap();
    let list = read_email_list(path.to_str().unwrap(), &crate::process::Stdin::Inherited).unwrap();
    assert_eq!(list.entries, vec![entry("a@example.com", Some("admin"), 2)]);
    assert!(list.invalid.is_empty());
    std::fs::write(&path, "# nobody\n").unwrap();
    let err = read_email_list(path.to_str().unwrap(), &crate::process::Stdin::Inherited).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "'{}' has no emails (only blank lines and comments)",
            path.display()
        )
    );

    let missing = dir.path().join("nope.txt");
    let err = read_email_list(missing.to_str().unwrap(), &crate::process::Stdin::Inherited).unwrap_err();
    assert!(matches!(err, EmailListError::Read { .. }), "{err:?}");
    assert!(err.to_string().starts_with("cannot read "), "{err}");
    assert!(err.to_string().contains("nope.txt"), "{err}");
}

#[test]
fn merge_arguments_then_file() {
    let file = parse("b@example.com\nA@example.com\nc@example.com,admin\n").unwrap();
    let args = vec!["A@Example.com".to_owned(), "d@example.com".to_owned()];
    let merged = merge(&args, file).unwrap();
    assert_eq!(
        merged.entries,
        vec![
            entry("a@example.com", None, 0),
            entry("d@example.com", None, 0),
            entry("b@example.com", None, 1),
            entry("c@example.com", Some("admin"), 3),
        ]
    );
    assert!(merged.invalid.is_empty());

    // Invalid arguments come back beside the valid ones, before the file's bad lines.
    let file = parse("bad-line\ne@example.com\n").unwrap();
    let merged = merge(&["nope".to_owned(), "ok@example.com".to_owned()], file).unwrap();
    assert_eq!(
        merged.entries,
        vec![entry("ok@example.com", None, 0), entry("e@example.com", None, 2)]
    );
    let bad: Vec<String> = merged.invalid.iter().map(ToString::to_string).collect();
    assert_eq!(
        bad,
        [
            "invalid email 'nope': email has no '@'",
            "invalid email 'bad-line' on line 1: email has no '@'"
        ]
    );
    // Only invalid arguments: a list with no entries, not an error.
    let merged = merge(&["x@".to_owned()], EmailList::default()).unwrap();
    assert!(merged.entries.is_empty() && merged.invalid.len() == 1);
    assert!(matches!(
        merge(&[], EmailList::default()),
        Err(EmailListError::NoEmails)
    ));

    // The same email as an argument (no role) and in the file with a role conflicts.
    let file = parse("a@example.com,admin\n").unwrap();
    let merged = merge(&["a@example.com".to_owned()], file).unwrap();
    assert_eq!(merged.entries, vec![entry("a@example.com", None, 0)]);
    assert_eq!(merged.invalid[0].line, 1);
    assert_eq!(
        merged.invalid[0].reason,
        "listed on the command line with no role and here with admin"
    );
}

#[test]
fn grouping_by_role() {
    let list = entries("a@example.com\nb@example.com,admin\nc@example.com\nd@example.com,Admin\n");
    assert_eq!(
        group_by_role(&list, Some("Viewer")).unwrap(),
        vec![
            (
                "viewer".to_owned(),
                vec!["a@example.com".to_owned(), "c@example.com".to_owned()]
            ),
            (
                "admin".to_owned(),
                vec!["b@example.com".to_owned(), "d@example.com".to_owned()]
            ),
        ]
    );
    let err = group_by_role(&list, None).unwrap_err();
    assert!(
        matches!(&err, EmailListError::MissingRole { lines } if lines == &[1, 3]),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "2 emails without a role (line 1, 3): pass --role or add a role column"
    );
}

fn email_strategy() -> impl Strategy<Value = String> {
    ("[a-zA-Z0-9_+-]{1,12}", "[a-z0-9]{1,10}", "[a-z]{2,5}").prop_map(|(l, d, t)| format!("{l}@{d}.{t}"))
}

proptest! {
    #[test]
    fn any_layout_gives_the_same_distinct_emails(
        list in proptest::collection::vec(email_strategy(), 1..40),
        pad in "[ \t]{0,3}",
        crlf in any::<bool>(),
        comment in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        for e in &list {
            text.push_str(&pad);
            text.push_str(e);
            text.push_str(&pad);
            if comment {
                text.push_str(" # note");
            }
            text.push_str(eol);
            text.push_str(eol);
        }
        let mut expected: Vec<String> = Vec::new();
        for e in &list {
            let n = e.to_ascii_lowercase();
            if !expected.contains(&n) {
                expected.push(n);
            }
        }
        prop_assert_eq!(emails(&text), expected);
    }
}
