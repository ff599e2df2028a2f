//! stub
use super::model::Operation;
pub(super) fn apply(_file: &mut syn::File, _doc: &serde_json::Value, _ops: &[Operation]) -> crate::Result<()> { Ok(()) }
