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
            if m.enabled_by_default() {
                m.severity.to_string()
            } else {
                format!("off ({})", m.severity)
            },
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

/// One page per rule under `docs/rules/`, where the language server's diagnostics link to
/// (`codeDescription`): the rule's own docs with a header of its facts.
fn rule_page(m: &dlint::rules::RuleMeta) -> String {
    let mut out = format!(
        "<!-- generated from the rule's docs: `DLINT_UPDATE_README=1 cargo test --test readme` -->\n# {} `{}`\n\n",
        m.code, m.name
    );
    let _ = writeln!(
        out,
        "Category: {} · default severity: {} · fix: {} · since {}{}\n",
        m.category,
        if m.enabled_by_default() {
            m.severity.to_string()
        } else {
            format!("{} (off by default: select it by code or name)", m.severity)
        },
        match m.fix {
            dlint::rules::FixAvailability::Always => "yes",
            dlint::rules::FixAvailability::Sometimes => "sometimes",
            dlint::rules::FixAvailability::None => "no",
        },
        m.since,
        m.upstream
            .map(|u| format!(" · upstream: {u}"))
            .unwrap_or_default(),
    );
    out.push_str(m.docs.trim());
    out.push('\n');
    out
}

#[test]
fn rule_pages_are_current() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules");
    let update = std::env::var_os("DLINT_UPDATE_README").is_some();
    let mut stale = Vec::new();
    let mut expected = std::collections::BTreeSet::new();
    for e in dlint::rules::registry() {
        let path = format!("{dir}/{}.md", e.meta.code);
        expected.insert(format!("{}.md", e.meta.code));
        let want = rule_page(e.meta);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(want.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(dir).expect("create docs/rules");
            std::fs::write(&path, want).expect("write a rule page");
        } else {
            stale.push(e.meta.code);
        }
    }
    // Pages of rules that no longer exist.
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if std::path::Path::new(&name)
            .extension()
            .is_some_and(|e| e == "md")
            && !expected.contains(&name)
        {
            if update {
                std::fs::remove_file(entry.path()).expect("remove a stale rule page");
            } else {
                stale.push("(removed rule)");
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is out of date for {stale:?}: run `DLINT_UPDATE_README=1 cargo test --test readme`"
    );
}
