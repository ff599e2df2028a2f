//! Minimal values of the client's response types, to change into what a test needs.
//!
//! The client's response types have no builders and many required fields (a `Workflow` has
//! fifteen); a sample has them all, with placeholders (`"x"`, `1`, `false`, the first enum value,
//! 2026-01-01T00:00:00Z), generated from each type's schema in the spec.

use serde::de::DeserializeOwned;

/// A minimal valid value: the required fields of the type's schema, with placeholders.
///
/// Implemented for every type a mock answers with (success bodies, list items, typed error
/// bodies). Set the fields a test cares about:
///
/// ```
/// use n8n_api::types::Workflow;
/// use n8n_api_mock::Sample;
///
/// let mut workflow = Workflow::sample();
/// workflow.id = "w1".into();
/// workflow.active = true;
/// ```
pub trait Sample: Sized {
    /// The sample value.
    fn sample() -> Self;
}

/// Decodes the sample the generator wrote for type `name`. Every sample is decoded by this
/// crate's tests (`SAMPLES`), so a failure here is a bug of the generator, reported as one.
pub(crate) fn decode<T: DeserializeOwned>(name: &str, json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => panic!("n8n-api-mock bug: the generated sample of `{name}` does not decode ({e}): {json}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sample_decodes() {
        assert!(!crate::generated::SAMPLES.is_empty());
        let failed = crate::generated::SAMPLES
            .iter()
            .filter(|make| std::panic::catch_unwind(**make).is_err())
            .count();
        assert_eq!(failed, 0, "samples that do not decode (their messages are above)");
    }
}
