//! The README's rule table is generated from the rule registry; this test keeps it in sync.
//! Regenerate with `DLINT_UPDATE_README=1 cargo test --test readme`.

use std::fmt::Write as _;

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

fn table() -> String {
    let mut out = String::from(
        "\n| code | name | category | default | fix | upstream | what it checks |\n|---|---|---|---|---|---|---|\n",
    );
    for e in dlint::rules::registry() {
        let m = e.meta;
        let fix = match m.fix {
            dlint::rules::FixAvailability::Always => "yes",
            dlint::rules::FixAvailability::Sometimes => "sometimes",
            dlint::rules::FixAvailability::None => "",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            m.code,
            m.name,
            m.category,
            m.severity,
            fix,
            m.upstream.unwrap_or(""),
            m.summary().replace('|', "\\|")
        );
    }
    out
}

#[test]
fn readme_rule_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme.find(START).expect("rules:start marker") + START.len();
    let end = readme.find(END).expect("rules:end marker");
    let want = table();
    if readme[start..end] == want {
        return;
    }
    if std::env::var_os("DLINT_UPDATE_README").is_some() {
        let updated = format!("{}{want}{}", &readme[..start], &readme[end..]);
        std::fs::write(path, updated).expect("write README.md");
        return;
    }
    panic!(
        "README.md's rule table is out of date: run `DLINT_UPDATE_README=1 cargo test --test readme`"
    );
}
