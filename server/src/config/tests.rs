//! Unit tests of configuration parsing and resolution.

use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Config, String> {
    Config::parse(text, Path::new(".dlint.toml")).map_err(|e| e.to_string())
}

fn error(text: &str) -> String {
    parse(text).expect_err("the configuration should be refused")
}

fn enabled(config: &Config, path: Option<&str>) -> Vec<&'static str> {
    config
        .for_file(path.map(Path::new))
        .rules()
        .iter()
        .map(|r| r.entry.meta.code)
        .collect()
}

const FULL: &str = r#"
[rules]
select = ["ALL"]
extend-select = []
ignore = ["SE001", "latest-tag"]
[rules.severity]
SZ002 = "error"
[rules.options.unchained-runs]
min-runs = 4

[[overrides]]
files = ["docker/dev/**", "*.dev.Dockerfile"]
ignore = ["size"]
severity = { LY001 = "info" }

[build]
platform = "linux/arm64"
target = "runtime"
build-args = { PYTHON_VERSION = "3.12" }

[registry]
offline = true
mirrors = ["https://mirror.gcr.io"]
insecure = ["localhost:5000"]
trusted = ["docker.io", "ghcr.io/acme"]

[labels]
required = { "org.opencontainers.image.source" = "url", maintainer = "text" }

[editor]
inlay-hints = { layers = true, no-layer = true, base = false }
"#;

#[test]
fn the_full_schema_is_read() {
    let config = Config::parse(FULL, Path::new("/repo/.dlint.toml")).unwrap();
    assert_eq!(config.build_platform(), Some("linux/arm64"));
    assert_eq!(config.target(), Some("runtime"));
    assert_eq!(
        config
            .build_args()
            .get("PYTHON_VERSION")
            .map(String::as_str),
        Some("3.12")
    );
    assert!(config.registry_offline());
    assert_eq!(config.registry_mirrors(), ["https://mirror.gcr.io"]);
    assert_eq!(config.insecure_registries(), ["localhost:5000"]);
    assert_eq!(config.trusted_registries(), ["docker.io", "ghcr.io/acme"]);
    assert_eq!(
        config.required_labels().get("maintainer"),
        Some(&LabelSchema::Text)
    );
    assert_eq!(
        config.inlay_hints(),
        InlayHintSettings {
            layers: true,
            no_layer: true,
            base: false,
            total: true
        }
    );
    assert_eq!(config.source_path(), Some(Path::new("/repo/.dlint.toml")));

    let rules = config.for_file(Some(Path::new("/repo/Dockerfile")));
    assert!(!rules.is_enabled("SE001") && !rules.is_enabled("MA001"));
    assert_eq!(
        rules.get("SZ002").map(EnabledRule::effective_severity),
        Some(Severity::Error)
    );
    let ly001 = rules.get("LY001").unwrap();
    assert_eq!(ly001.severity, None);
    assert_eq!(
        ly001.options.as_ref().and_then(|o| o.get("min-runs")),
        Some(&toml::Value::Integer(4))
    );

    // The override: `docker/dev/**` from the root, `*.dev.Dockerfile` at any depth.
    for path in [
        "/repo/docker/dev/Dockerfile",
        "/repo/a/b/api.dev.Dockerfile",
        "/repo/docker/dev/x/y/Dockerfile",
    ] {
        let rules = config.for_file(Some(Path::new(path)));
        assert!(!rules.is_enabled("SZ001"), "{path}");
        assert_eq!(
            rules.get("LY001").unwrap().effective_severity(),
            Severity::Info,
            "{path}"
        );
    }
    for path in [
        "/repo/docker/Dockerfile",
        "/repo/sub/docker/dev/Dockerfile",
        "/elsewhere/docker/dev/Dockerfile",
    ] {
        assert!(
            config.for_file(Some(Path::new(path))).is_enabled("SZ001"),
            "{path}"
        );
    }
}

#[test]
fn defaults_enable_every_rule() {
    let config = parse("").unwrap();
    let on_by_default = crate::rules::registry()
        .iter()
        .filter(|e| e.meta.enabled_by_default())
        .count();
    assert_eq!(enabled(&config, None).len(), on_by_default);
    assert_eq!(config.inlay_hints(), InlayHintSettings::default());
    assert!(!config.registry_offline());
    assert_eq!(config.build_platform(), None);
    assert_eq!(
        Config::default().for_file(None).rules().len(),
        RuleSet::all().rules().len()
    );
}

#[test]
fn selection_follows_select_extend_ignore_then_overrides_then_cli() {
    let config = parse(
        "[rules]\nselect = [\"layers\", \"SY001\"]\nextend-select = [\"latest-tag\"]\n\
         ignore = [\"unknown-instruction\"]\n\
         [[overrides]]\nfiles = [\"special/*\"]\nselect = [\"SE001\"]\nextend-select = [\"SY002\"]\n\
         [[overrides]]\nfiles = [\"special/b\"]\nignore = [\"SY002\"]\n",
    )
    .unwrap();
    // Every rule of the `layers` category, plus MA001.
    let mut want: Vec<&str> = crate::rules::registry()
        .iter()
        .filter(|e| e.meta.category == crate::diagnostic::Category::Layers)
        .map(|e| e.meta.code)
        .collect();
    want.push("MA001");
    assert!(want.len() >= 2);
    assert_eq!(enabled(&config, None), want);
    assert_eq!(enabled(&config, Some("/x/special/a")), want);
    let mut config = Config::parse(
        "[[overrides]]\nfiles = [\"special/*\"]\nselect = [\"SE001\"]\nextend-select = [\"SY002\"]\n\
         [[overrides]]\nfiles = [\"special/b\"]\nignore = [\"SY002\"]\n",
        Path::new("/x/.dlint.toml"),
    )
    .unwrap();
    assert_eq!(enabled(&config, Some("/x/special/a")), ["SE001", "SY002"]);
    assert_eq!(enabled(&config, Some("/x/special/b")), ["SE001"]);
    assert_eq!(
        enabled(&config, Some("/x/special/../special/./b")),
        ["SE001"]
    );
    config
        .apply_cli(None, &["SZ001".to_owned()], &["SE001".to_owned()])
        .unwrap();
    assert_eq!(enabled(&config, Some("/x/special/b")), ["SZ001"]);
    config
        .apply_cli(Some(&["cache".to_owned()]), &[], &[])
        .unwrap();
    let cache = enabled(&config, None);
    assert!(
        cache.iter().all(|c| c.starts_with("CA") || *c == "SZ001"),
        "{cache:?}"
    );
    let err = config
        .apply_cli(Some(&["nope".to_owned()]), &[], &["SZ001, ".to_owned()])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("--select: unknown rule or category `nope`"),
        "{err}"
    );
}

#[test]
fn severity_off_disables_and_overrides_can_restore() {
    let config = Config::parse(
        "[rules.severity]\nSZ001 = \"off\"\napt-install-recommends = \"warning\"\n\
         [[overrides]]\nfiles = [\"ci\"]\nseverity = { SZ001 = \"error\" }\n",
        Path::new("/r/.dlint.toml"),
    )
    .unwrap();
    let rules = config.for_file(Some(Path::new("/r/Dockerfile")));
    assert!(!rules.is_enabled("SZ001"));
    assert_eq!(
        rules.get("SZ002").unwrap().severity,
        Some(Severity::Warning)
    );
    let rules = config.for_file(Some(Path::new("/r/ci/Dockerfile")));
    assert_eq!(rules.get("SZ001").unwrap().severity, Some(Severity::Error));
}

#[test]
fn errors_name_the_key_and_its_position() {
    let cases: &[(&str, &str)] = &[
        (
            "[rules]\nselect = [\"ALL\"]\nselct = []\n",
            ".dlint.toml:3:1: unknown key `selct` in [rules]; expected one of: select, \
             extend-select, ignore, severity, options",
        ),
        (
            "rule = 1\n",
            ".dlint.toml:1:1: unknown key `rule`; expected one of: rules, overrides, build, \
             registry, labels, editor, shellcheck",
        ),
        (
            "[rules]\nselect = [\"SY001\", \"SY999\"]\n",
            ".dlint.toml:2:20: rules.select: unknown rule or category `SY999`; expected a rule \
             code (SY001), a rule name (unknown-instruction), a category (cache, layers, size, \
             security, correctness, maintainability, style, syntax) or ALL",
        ),
        (
            "[rules]\nignore = \"SY001\"\n",
            ".dlint.toml:2:10: rules.ignore: expected an array of strings, found `SY001`",
        ),
        (
            "[rules.severity]\nSZ002 = \"fatal\"\n",
            ".dlint.toml:2:9: rules.severity.SZ002: expected one of error, warning, info, off, \
             found `fatal`",
        ),
        (
            "[rules.severity]\nSZ999 = \"error\"\n",
            ".dlint.toml:2:1: rules.severity: unknown rule `SZ999`; expected a rule code (SY001) \
             or name (unknown-instruction)",
        ),
        (
            "[rules.severity]\nSZ002 = \"error\"\napt-install-recommends = \"info\"\n",
            ".dlint.toml:3:1: rules.severity: `SZ002` and `apt-install-recommends` are the same \
             rule",
        ),
        (
            "[rules.options.LY001]\nmin-runs = 1\n",
            ".dlint.toml:2:12: rules.options.LY001.min-runs: expected an integer of at least 2, \
             found 1",
        ),
        (
            "[rules.options.unchained-runs]\nmin-runs = \"4\"\n",
            ".dlint.toml:2:12: rules.options.unchained-runs.min-runs: expected an integer, \
             found \"4\"",
        ),
        (
            "[rules.options.LY001]\nmax-runs = 3\n",
            ".dlint.toml:2:1: rules.options.LY001.max-runs: unknown option `max-runs` of rule \
             LY001 (unchained-runs); expected one of: min-runs",
        ),
        (
            "[rules.options]\nSZ002 = { fast = true }\n",
            ".dlint.toml:2:11: rules.options.SZ002.fast: rule SZ002 (apt-install-recommends) \
             takes no options",
        ),
        (
            "[rules.options]\nSZ002 = 3\n",
            ".dlint.toml:2:9: rules.options.SZ002: expected a table of options, found an integer",
        ),
        (
            "[[overrides]]\nselect = []\n",
            ".dlint.toml:1:1: overrides[0]: missing key `files` (the paths it applies to)",
        ),
        (
            "[[overrides]]\nfiles = [\"a/[\"]\n",
            ".dlint.toml:2:10: overrides[0].files: invalid glob `a/[`: unclosed character class; \
             missing ']'",
        ),
        (
            "[[overrides]]\nfiles = []\n",
            ".dlint.toml:2:9: overrides[0].files: expected at least one glob",
        ),
        (
            "[[overrides]]\nfiles = [\"x\"]\nseverty = {}\n",
            ".dlint.toml:3:1: unknown key `severty` in [[overrides]]; expected one of: files, \
             select, extend-select, ignore, severity, options",
        ),
        (
            "overrides = { files = [\"x\"] }\n",
            ".dlint.toml:1:13: overrides: expected an array of tables ([[overrides]]), found a \
             table",
        ),
        (
            "[build]\nplatform = \"arm64\"\n",
            ".dlint.toml:2:12: build.platform: invalid platform `arm64`: expected \
             os/arch[/variant], e.g. linux/arm64/v8",
        ),
        (
            "[build]\nbuild-args = { V = 3.12 }\n",
            ".dlint.toml:2:20: build.build-args.V: expected a string, found a float",
        ),
        (
            "[registry]\noffline = \"yes\"\n",
            ".dlint.toml:2:11: registry.offline: expected a boolean (true or false), found `yes`",
        ),
        (
            "[registry]\nmirrors = [\"mirror.gcr.io\"]\n",
            ".dlint.toml:2:12: registry.mirrors: invalid mirror `mirror.gcr.io`: expected an \
             http(s) URL such as https://mirror.gcr.io",
        ),
        (
            "[registry]\ninsecure = [\"http://localhost:5000\"]\n",
            ".dlint.toml:2:13: registry.insecure: invalid registry `http://localhost:5000`: \
             expected host[:port] such as localhost:5000",
        ),
        (
            "[labels]\nrequired = { maintainer = \"name\" }\n",
            ".dlint.toml:2:27: labels.required.maintainer: expected one of text, url, email, \
             semver, rfc3339, hash, spdx, git-hash, found `name`",
        ),
        (
            "[editor]\ninlay-hints = { layer = true }\n",
            ".dlint.toml:2:17: unknown key `layer` in [editor.inlay-hints]; expected one of: \
             layers, no-layer, base, total",
        ),
        (
            "[rules]\nselect = [\"ALL\"\n",
            ".dlint.toml:2:16: invalid TOML: unclosed array, expected `]`",
        ),
        (
            "[rules]\n[rules]\n",
            ".dlint.toml:2:2: invalid TOML: duplicate key",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(error(text), *expected, "{text}");
    }
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let err = error("[rules]\nignore = [\"nope\"]\nselct = 1\n[build]\ntarget = \"\"\n");
    let lines: Vec<&str> = err
        .lines()
        .map(|l| l.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        lines,
        [".dlint.toml:2:11", ".dlint.toml:3:1", ".dlint.toml:5:10"]
    );
}

#[test]
fn columns_count_characters() {
    // `"nope"` starts at byte 17 of its line, character 16.
    let err = error("# é\n[rules]\nselect = [\"é\", \"nope\"]\n");
    let second = err.lines().nth(1).unwrap_or_default();
    assert!(second.starts_with(".dlint.toml:3:16: "), "{err}");
}

#[test]
fn json_settings_overlay_with_camel_case_and_key_paths() {
    let mut config = parse(FULL).unwrap();
    let settings = serde_json::json!({
        "rules": { "extendSelect": ["SE001"], "ignore": ["MA001"], "severity": { "LY001": "error" } },
        "build": { "platform": "linux/amd64", "buildArgs": { "EXTRA": "1" }, "target": null },
        "editor": { "inlayHints": { "noLayer": false, "total": false } },
        "registry": { "offline": false }
    });
    config.merge_json(&settings).unwrap();
    assert_eq!(config.build_platform(), Some("linux/amd64"));
    assert_eq!(config.target(), Some("runtime"));
    assert_eq!(config.build_args().len(), 2);
    assert!(!config.registry_offline());
    let hints = config.inlay_hints();
    assert!(!hints.no_layer && !hints.total && !hints.base && hints.layers);
    let rules = config.for_file(None);
    assert!(rules.is_enabled("SE001"));
    assert_eq!(rules.get("LY001").unwrap().severity, Some(Severity::Error));
    assert_eq!(rules.get("SZ002").unwrap().severity, Some(Severity::Error));

    let bad = serde_json::json!({
        "rules": { "severity": { "SZ002": "loud" }, "selct": [] },
        "editor": { "inlayHints": { "layers": "yes" } },
        "rulez": 1,
        "build": { "platform": 7 }
    });
    let err = config.merge_json(&bad).unwrap_err().to_string();
    assert_eq!(
        err,
        "settings: build.platform: expected a string, found an integer\n\
         settings: editor.inlayHints.layers: expected a boolean (true or false), found `yes`\n\
         settings: rules.selct: unknown key; expected one of: select, extend-select, ignore, \
         severity, options\n\
         settings: rules.severity.SZ002: expected one of error, warning, info, off, found `loud`\n\
         settings: rulez: unknown key; expected one of: rules, overrides, build, registry, \
         labels, editor, shellcheck"
    );
    // Nothing changed.
    assert_eq!(config.build_platform(), Some("linux/amd64"));
    let err = config
        .merge_json(&serde_json::json!([1]))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "settings: expected a table, found an array");
    let err = config
        .merge_json(&serde_json::json!({"rules": {"options": {"LY001": {"minRuns": 1}}}}))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "settings: rules.options.LY001.minRuns: expected an integer of at least 2, found 1"
    );
}

#[test]
fn discovery_walks_upward_and_prefers_the_dotted_name() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(Config::discover(&deep), None);
    std::fs::write(dir.path().join("a/dlint.toml"), "").unwrap();
    assert_eq!(
        Config::discover(&deep),
        Some(dir.path().join("a/dlint.toml"))
    );
    std::fs::write(dir.path().join("a/.dlint.toml"), "").unwrap();
    assert_eq!(
        Config::discover(&deep),
        Some(dir.path().join("a/.dlint.toml"))
    );
    std::fs::write(dir.path().join("a/b/c/.dlint.toml"), "").unwrap();
    assert_eq!(Config::discover(&deep), Some(deep.join(".dlint.toml")));
    let err = Config::load(&dir.path().join("missing.toml")).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("missing.toml: no such file or directory"),
        "{err}"
    );
}

/// A small deterministic generator: no panic on any input, valid or not.
#[test]
fn arbitrary_input_never_panics() {
    let pieces = [
        "[rules]",
        "[[overrides]]",
        "[build]",
        "[editor]",
        "[registry]",
        "[labels]",
        "[rules.severity]",
        "[rules.options.LY001]",
        "select",
        "ignore",
        "files",
        "=",
        "\"",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        " ",
        "ALL",
        "\"SY001\"",
        "min-runs",
        "1",
        "-9",
        "0x7f",
        "99999999999999999999",
        "1e999",
        "nan",
        "inf",
        "true",
        "é",
        "\u{feff}",
        "\r\n",
        "#",
        "'''",
        "\"\"\"",
        "\\",
        "platform",
        "\"a/[\"",
        "1979-05-27T07:32:00Z",
        "required",
        "inlay-hints",
        "\0",
        "\t",
        ".",
        "a.b.c",
        "=\"off\"",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        if let Err(err) = Config::parse(&text, Path::new("f.toml")) {
            for problem in &err.problems {
                assert!(problem.position.is_some(), "{text:?}: {problem}");
            }
            let _ = err.to_string();
        }
        let json = serde_json::Value::String(text.clone());
        let _ = Config::default().merge_json(&json);
        let _ = Config::default().merge_json(&serde_json::json!({ "rules": { "select": [text] } }));
    }
}

#[test]
fn trusted_registries_and_required_labels_reach_their_rules() {
    let config = parse(
        "[registry]\ntrusted = [\"ghcr.io/acme\"]\n[labels]\nrequired = { maintainer = \"email\" }\n",
    )
    .unwrap();
    let rules = config.for_file(None);
    let text = "FROM alpine:3.20\nLABEL maintainer=nobody\n";
    let file = crate::syntax::parse(text);
    let codes: Vec<&str> = crate::lint::lint(&file, text, None, &rules)
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(codes.contains(&"SE005"), "{codes:?}");
    assert!(codes.contains(&"MA011"), "{codes:?}");
    // An explicit rule option wins over the table.
    let config = parse(
        "[registry]\ntrusted = [\"ghcr.io/acme\"]\n[rules.options.untrusted-registry]\nregistries = [\"docker.io\"]\n",
    )
    .unwrap();
    let rules = config.for_file(None);
    let codes: Vec<&str> = crate::lint::lint(&file, text, None, &rules)
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(!codes.contains(&"SE005"), "{codes:?}");
}

#[test]
fn the_build_platform_reaches_the_platform_rule() {
    let text = "FROM alpine:3.19\n";
    let file = crate::syntax::parse(text);
    let codes = |toml: &str| -> Vec<&str> {
        let rules = parse(toml).unwrap().for_file(None);
        crate::lint::lint(&file, text, None, &rules)
            .iter()
            .map(|d| d.code)
            .collect()
    };
    assert!(codes("[build]\nplatform = \"linux/riscv64\"\n").contains(&"CO022"));
    assert!(!codes("[build]\nplatform = \"linux/arm64\"\n").contains(&"CO022"));
    assert!(!codes("").contains(&"CO022"));
}

#[test]
fn shellcheck_settings_are_read_and_checked() {
    let config = parse("").unwrap();
    assert_eq!(config.shellcheck(), ShellcheckSettings::default());
    assert!(!config.shellcheck().enabled);
    let config = Config::parse(
        "[shellcheck]\nenabled = true\npath = \"tools/shellcheck\"\nexclude = [\"SC2086\", \"sc2046\"]\n\
         severity = \"Warning\"\ntimeout = 2.5\n",
        Path::new("/repo/.dlint.toml"),
    )
    .unwrap();
    let settings = config.shellcheck();
    assert!(settings.enabled);
    // A path with a directory is relative to the configuration file; a bare name is not.
    assert_eq!(settings.path, Path::new("/repo/tools/shellcheck"));
    assert_eq!(settings.exclude, ["SC2086", "SC2046"]);
    assert_eq!(settings.severity, ShellcheckLevel::Warning);
    assert_eq!(settings.timeout, std::time::Duration::from_millis(2500));
    let bare = parse("[shellcheck]\npath = \"shellcheck-0.10\"\n").unwrap();
    assert_eq!(bare.shellcheck().path, Path::new("shellcheck-0.10"));

    // Editor settings on top, and the command line's `--shellcheck`/`--no-shellcheck`.
    let mut config = config;
    config
        .merge_json(&serde_json::json!({"shellcheck": {"enabled": false, "timeout": 1}}))
        .unwrap();
    assert!(!config.shellcheck().enabled);
    assert_eq!(config.shellcheck().exclude, ["SC2086", "SC2046"]);
    assert_eq!(
        config.shellcheck().timeout,
        std::time::Duration::from_secs(1)
    );
    config.set_shellcheck_enabled(true);
    assert!(config.shellcheck().enabled);

    assert_eq!(
        error("[shellcheck]\nexclude = [\"SC2086\", \"DL3008\"]\n"),
        ".dlint.toml:2:22: shellcheck.exclude: expected a ShellCheck code such as SC2086, found `DL3008`"
    );
    assert_eq!(
        error("[shellcheck]\nseverity = \"loud\"\n"),
        ".dlint.toml:2:12: shellcheck.severity: expected one of style, info, warning, error, found `loud`"
    );
    assert_eq!(
        error("[shellcheck]\ntimeout = 0\n"),
        ".dlint.toml:2:11: shellcheck.timeout: expected a number of seconds greater than 0 and at most 600, found an integer"
    );
    assert_eq!(
        error("[shellcheck]\nenable = true\n"),
        ".dlint.toml:2:1: unknown key `enable` in [shellcheck]; expected one of: enabled, path, exclude, severity, timeout"
    );
    assert_eq!(
        error("[rules]\nignore = [\"sc2086\"]\n"),
        ".dlint.toml:2:11: rules.ignore: `sc2086` is a ShellCheck code, not a rule: \
         ShellCheck's findings are configured in [shellcheck] (`exclude = [\"SC2086\"]`)"
    );
    assert_eq!(
        error("[shellcheck]\npath = \"\"\n"),
        ".dlint.toml:2:8: shellcheck.path: expected a program name or path, found an empty string"
    );
}
