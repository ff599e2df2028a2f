//! The coverage report: run by `cargo xtask test` after the suite (it is ignored otherwise).
//! Reads the records the suite left, prints `operations proven against n8n <release>: N/M` and
//! every operation not proven with its reason, and fails below the floor or on any operation
//! without an acceptable reason.

use std::collections::{BTreeMap, BTreeSet};

use n8n_api_tests::coverage::{self, Record, Report};
use n8n_api_tests::lossless;

use n8n_api_tests::coverage::FLOOR;

#[test]
#[ignore = "run by `cargo xtask test` after the end-to-end suite"]
fn coverage_report() {
    let records = coverage::read().unwrap_or_else(|e| panic!("no coverage records: {e}"));
    let operations = n8n_api::OPERATIONS.iter().map(|o| o.id);
    let report = Report::from_records(operations, &records);
    let release = n8n_api_tests::pinned_release();
    println!(
        "operations proven against n8n {release}: {}/{}",
        report.proven.len(),
        n8n_api::OPERATIONS.len()
    );
    for (op, reason) in &report.unproven {
        let mark = if report.excused[op] {
            ""
        } else {
            "  <- not an acceptable reason"
        };
        println!("  not proven: {op}: {reason}{mark}");
    }
    let unexcused: Vec<&String> = report
        .excused
        .iter()
        .filter(|(_, ok)| !**ok)
        .map(|(op, _)| op)
        .collect();
    assert!(
        unexcused.is_empty(),
        "operations neither proven nor excused: {unexcused:?}"
    );
    assert!(
        report.proven.len() >= FLOOR,
        "only {} operations proven (the floor is {FLOOR})",
        report.proven.len()
    );
}

/// Every success body of the suite decoded losslessly, but for the reviewed differences of
/// `lossless::ALLOWED`; and none holds a value the types do not name (`Unrecognized`).
#[test]
#[ignore = "run by `cargo xtask test` after the end-to-end suite"]
fn lossless_report() {
    let records = coverage::read().unwrap_or_else(|e| panic!("no coverage records: {e}"));
    let mut bodies = 0usize;
    let mut identical = 0usize;
    let mut allowed: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut refused: BTreeSet<String> = BTreeSet::new();
    let mut unrecognized: BTreeSet<String> = BTreeSet::new();
    for r in &records {
        let Record::Body {
            operation,
            differences,
            unrecognized: u,
            ..
        } = r
        else {
            continue;
        };
        bodies += 1;
        identical += usize::from(differences.is_empty());
        for d in differences {
            match lossless::allowed(operation, d) {
                Some(a) => {
                    allowed.entry(a.reason).or_default().insert(format!("{operation}: {d}"));
                }
                None => {
                    refused.insert(format!("{operation}: {d}"));
                }
            }
        }
        unrecognized.extend(u.iter().map(|v| format!("{operation}: {v}")));
    }
    println!(
        "response bodies checked for lossless decoding: {bodies} ({identical} identical once re-encoded); differences allowed: {} places of {} reviewed kinds",
        allowed.values().map(BTreeSet::len).sum::<usize>(),
        allowed.len()
    );
    for (reason, places) in &allowed {
        println!("  allowed ({reason}):");
        for p in places {
            println!("    {p}");
        }
    }
    for r in &refused {
        println!("  NOT ALLOWED: {r}");
    }
    for u in &unrecognized {
        println!("  UNRECOGNIZED: {u}");
    }
    assert!(
        bodies > 0,
        "no response body was checked: is the body observer installed?"
    );
    assert!(
        refused.is_empty(),
        "{} differences nobody reviewed (above)",
        refused.len()
    );
    assert!(unrecognized.is_empty(), "values the types do not name (above)");
}
