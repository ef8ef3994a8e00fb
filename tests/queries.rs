//! Every query file in `queries/` compiles against the grammar the server links, and has
//! the captures the code looks up.

use std::collections::BTreeSet;

#[test]
fn every_query_compiles_and_has_the_captures_the_code_uses() {
    let language = dlint::syntax::tree::language();
    let on_disk: BTreeSet<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
            .expect("queries/")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                std::path::Path::new(n)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("scm"))
            })
            .collect();
    let loaded: BTreeSet<String> = dlint::syntax::tree::QUERIES
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    assert_eq!(
        on_disk, loaded,
        "every .scm in queries/ is loaded by the server, and only those"
    );
    for (name, source) in dlint::syntax::tree::QUERIES {
        let query =
            tree_sitter::Query::new(&language, source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let captures: BTreeSet<&str> = query.capture_names().iter().copied().collect();
        if *name == "instructions.scm" {
            assert_eq!(captures, BTreeSet::from(["instruction", "error"]), "{name}");
        }
    }
}
