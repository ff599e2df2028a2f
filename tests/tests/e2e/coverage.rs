//! The coverage report: run by `cargo xtask test` after the suite (it is ignored otherwise).
//! Reads the records the suite left, prints `operations proven against n8n <release>: N/M` and
//! every operation not proven with its reason, and fails below the floor or on any operation
//! without an acceptable reason.

use n8n_api_tests::coverage::{self, Report};

/// The fewest operations the suite must prove.
const FLOOR: usize = 120;

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
