//! What the rules that shape the Rust surface decided on the pinned spec, change by change, and
//! that they recognise the same patterns in every release kept in spec/history/.

use n8n_api_codegen::pipeline;
use n8n_api_tests::root;

#[test]
fn decisions_on_the_pinned_spec() {
    let output = pipeline::run_dir(&root().join("spec"), "test").unwrap();
    insta::assert_snapshot!(output.log.decisions().join("\n"));
}

/// Every kept release returns one `Workflow` type from its workflow operations, takes integer
/// page sizes, and has no public type named after a DTO class.
#[test]
fn every_release_gets_the_same_shape() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("spec/history")).unwrap() {
        let dir = entry.unwrap().path();
        let output = pipeline::run_dir(&dir, "test").unwrap();
        let release = output.n8n_version.clone().unwrap_or_default();
        let workflow = output
            .surface
            .iter()
            .find(|(tag, _)| tag.starts_with("Workflow"))
            .map(|(_, t)| t);
        let Some(workflow) = workflow else { continue };
        let get = workflow
            .split("\nget_workflow ")
            .nth(1)
            .and_then(|rest| rest.lines().find(|l| l.trim_start().starts_with("->")))
            .unwrap_or_else(|| panic!("{release}: no get_workflow"));
        assert_eq!(get.trim(), "-> Workflow", "{release}");
        assert!(
            !output.code.contains("limit: Result<Option<f64>"),
            "{release}: `limit` is still f64"
        );
        for banned in ["PublicDto", "DtoGenerated"] {
            assert!(!output.code.contains(banned), "{release}: a type carries `{banned}`");
        }
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} releases have workflow operations");
}
