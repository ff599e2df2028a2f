//! What a mock server saw and promised: every request in arrival order with the mock that
//! answered it, every mounted mock with its expectation, and the report of what went wrong that
//! `MockN8n` panics with when it drops.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use wiremock::Request;

use crate::matcher::{RouteMatcher, show};

/// Shared by a server's mocks and answers.
#[derive(Debug, Default)]
pub(crate) struct Journal(Mutex<Entries>);

#[derive(Debug, Default)]
struct Entries {
    requests: Vec<(Request, Answered)>,
    mocks: Vec<Registered>,
}

/// Who answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answered {
    /// The mock with this index.
    By(usize),
    /// No mock matched; the fallback answered 404.
    Unmatched,
}

/// A mounted mock, as the report names it.
#[derive(Debug)]
pub(crate) struct Registered {
    /// `getWorkflow (GET /workflows/{workflowId}) where workflowId = "abc"`.
    pub description: String,
    pub route: RouteMatcher,
    /// `.times(n)`.
    pub expected: Option<u64>,
    /// Mistakes in the mock itself (a body that does not convert, a bad status).
    pub problems: Vec<String>,
}

impl Journal {
    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panic elsewhere while holding the lock leaves the journal readable.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn register(&self, mock: Registered) -> usize {
        let mut entries = self.entries();
        entries.mocks.push(mock);
        entries.mocks.len() - 1
    }

    pub(crate) fn record(&self, request: &Request, answered: Answered) {
        self.entries().requests.push((request.clone(), answered));
    }

    /// Every request, in arrival order.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.entries().requests.iter().map(|(r, _)| r.clone()).collect()
    }

    /// The requests mock `index` answered.
    pub(crate) fn answered_by(&self, index: usize) -> Vec<Request> {
        self.entries()
            .requests
            .iter()
            .filter(|(_, a)| *a == Answered::By(index))
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// What went wrong, if anything: unmet expectations, mistakes in mocks, and requests no mock
    /// matched, each with the requests that help see why.
    pub(crate) fn failures(&self) -> Option<String> {
        let entries = self.entries();
        let mut problems = Vec::new();
        for (index, mock) in entries.mocks.iter().enumerate() {
            for p in &mock.problems {
                problems.push(format!("{}: {p}", mock.description));
            }
            let received = entries
                .requests
                .iter()
                .filter(|(_, a)| *a == Answered::By(index))
                .count() as u64;
            if let Some(expected) = mock.expected
                && expected != received
            {
                problems.push(unmet(&entries, mock, index, expected, received));
            }
        }
        for (n, (request, answered)) in entries.requests.iter().enumerate() {
            if *answered == Answered::Unmatched {
                problems.push(format!(
                    "request #{} matched no mock (it was answered 404): {}",
                    n + 1,
                    show(request)
                ));
            }
        }
        if problems.is_empty() {
            return None;
        }
        let mut out = format!("n8n-api-mock: {} problem(s)\n", problems.len());
        for (n, p) in problems.iter().enumerate() {
            let _ = writeln!(out, "{}. {p}", n + 1);
        }
        if entries.requests.is_empty() {
            out.push_str("The server received no request.\n");
        } else {
            out.push_str("Requests received, in order:\n");
            for (n, (request, answered)) in entries.requests.iter().enumerate() {
                let by = match answered {
                    Answered::By(i) => entries.mocks[*i].description.as_str(),
                    Answered::Unmatched => "no mock (404)",
                };
                let _ = writeln!(out, "  #{} {}\n      answered by {by}", n + 1, show(request));
            }
        }
        Some(out)
    }
}

/// `getTag (...) where tagId = "t1": expected 1 request, received 0`, and the other requests to
/// the same operation (whichever mock answered them): usually the one the test meant.
fn unmet(entries: &Entries, mock: &Registered, index: usize, expected: u64, received: u64) -> String {
    let plural = |n: u64| if n == 1 { "request" } else { "requests" };
    let mut out = format!(
        "{}: expected {expected} {}, received {received}",
        mock.description,
        plural(expected)
    );
    let others: Vec<String> = entries
        .requests
        .iter()
        .enumerate()
        .filter(|(_, (r, a))| *a != Answered::By(index) && mock.route.params(r).is_some())
        .map(|(n, (r, _))| format!("#{} {}", n + 1, show(r)))
        .collect();
    if others.is_empty() {
        out.push_str("; no other request went to this operation");
    } else {
        let _ = write!(out, "; the other requests to this operation: {}", others.join("; "));
    }
    out
}
