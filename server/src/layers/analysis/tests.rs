use super::*;
use crate::syntax::parse;

fn run(text: &str, opts: &Options<'_>) -> Analysis {
    analyze(&parse(text), opts)
}

#[test]
fn global_args_expand_in_from_and_stage_graph() {
    let text = "ARG PY=3.12\nARG VARIANT\nFROM python:${PY}-slim AS build\nRUN pip wheel .\nFROM python:${PY}${VARIANT:+-$VARIANT} AS final\nCOPY --from=build /w /w\nFROM scratch AS unused\n";
    let a = run(
        text,
        &Options {
            target: Some("final"),
            ..Options::default()
        },
    );
    assert_eq!(a.stages[0].base, Base::Image("python:3.12-slim".into()));
    assert_eq!(a.stages[1].base, Base::Image("python:3.12".into()));
    assert_eq!(a.stages[2].base, Base::Scratch);
    assert_eq!(a.final_stage, Some(1));
    assert!(a.stages[0].reaches_final && a.stages[1].reaches_final);
    assert!(!a.stages[2].reaches_final);
    assert_eq!(a.stages[1].uses, [0]);
    let args = [("VARIANT".to_owned(), "alpine".to_owned())];
    let a = run(
        text,
        &Options {
            build_args: &args,
            ..Options::default()
        },
    );
    assert_eq!(a.stages[1].base, Base::Image("python:3.12-alpine".into()));
    assert_eq!(a.final_stage, Some(2));
    assert!(!a.stages[0].reaches_final);
}

#[test]
fn layer_kinds() {
    let text = "FROM alpine\nWORKDIR /app\nWORKDIR /app\nENV A=1\nRUN true\nCOPY a b\nLABEL x=y\nCMD [\"sh\"]\n";
    let a = run(text, &Options::default());
    let kinds: Vec<LayerKind> = a.stages[0].steps.iter().map(|s| s.kind).collect();
    let (n, f, m) = (LayerKind::None, LayerKind::Filesystem, LayerKind::Metadata);
    assert_eq!(kinds, [n, f, n, m, f, f, m, m]);
}

#[test]
fn run_cache_sees_every_declared_arg_and_env_wins() {
    let text = "FROM alpine\nARG GIT_SHA=abc\nENV MODE=prod\nARG MODE=dev\nRUN echo hi\nCOPY ${MODE}.conf /etc/\n";
    let a = run(text, &Options::default());
    let run_step = &a.stages[0].steps[4];
    assert!(run_step.cache.contains(&CacheInput::BuildArg {
        name: "GIT_SHA".into(),
        value: Some("abc".into())
    }));
    let copy = &a.stages[0].steps[5];
    assert!(copy.cache.contains(&CacheInput::Instruction {
        text: "COPY prod.conf /etc/".into()
    }));
    assert!(
        !copy
            .cache
            .iter()
            .any(|c| matches!(c, CacheInput::BuildArg { .. })),
        "ENV shadows the ARG"
    );
}

#[test]
fn env_is_inherited_by_child_stages_args_are_not() {
    let text =
        "ARG V=1\nFROM alpine AS a\nENV HOME_DIR=/srv\nARG V\nFROM a\nWORKDIR $HOME_DIR/$V\n";
    let a = run(text, &Options::default());
    let wd = &a.stages[1].steps[1];
    assert_eq!(
        wd.cache[0],
        CacheInput::Instruction {
            text: "WORKDIR /srv/".into()
        }
    );
}

#[test]
fn copy_sizes_from_context_and_rebuilds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("requirements.txt"), "flask\n").expect("write");
    std::fs::write(root.join("app.py"), "print('hello')\n").expect("write");
    let text = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n";
    let ctx = BuildContext::load(root, None).expect("context");
    let a = run(
        text,
        &Options {
            context: Some(&ctx),
            ..Options::default()
        },
    );
    let steps = &a.stages[0].steps;
    assert_eq!(
        steps[1].size,
        SizeEstimate::exact(6, "1 file from the build context")
    );
    assert_eq!(
        (steps[3].size.low, steps[3].size.confidence),
        (21, Confidence::Exact)
    );
    assert_eq!(rebuilt_by_file(&a, &ctx, "app.py"), [(0, 3)]);
    assert_eq!(rebuilt_by_file(&a, &ctx, "requirements.txt"), [(0, 1)]);
}

#[test]
fn rebuild_propagates_through_copy_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.go"), "package main\n").expect("write");
    let text = "FROM golang AS build\nCOPY main.go .\nRUN go build -o /app\nFROM alpine\nRUN apk add --no-cache ca-certificates\nCOPY --from=build /app /app\n";
    let ctx = BuildContext::load(dir.path(), None).expect("context");
    let a = run(
        text,
        &Options {
            context: Some(&ctx),
            ..Options::default()
        },
    );
    assert_eq!(rebuilt_by_file(&a, &ctx, "main.go"), [(0, 1), (1, 2)]);
}

#[test]
fn run_sizes_are_honest() {
    let a = run(
        "FROM debian\nRUN mkdir -p /x && echo hi > /x/y\nRUN curl -fsSL https://x | sh\n",
        &Options::default(),
    );
    let s = &a.stages[0].steps;
    assert_eq!(s[1].size.confidence, Confidence::Estimated);
    assert_eq!(s[1].size.high, 0);
    assert_eq!(s[2].size.confidence, Confidence::Unknown);
    assert!(s[2].size.basis.contains("curl"));
}

#[test]
fn mount_options_normalise() {
    let kv = mount_options("type=cache,dst=/root/.cache,sharing=locked,ro");
    assert!(kv.contains(&("target".into(), "/root/.cache".into())));
    assert!(kv.contains(&("ro".into(), "true".into())));
}
