//! Tags: the generated client turns each operation's first tag into a cargo feature and an
//! extension trait, so a renamed tag renames both even though no URL changes.
//!
//! A tag that disappears while every operation it had reappears under one new tag (and that tag
//! holds nothing else that existed before) is a rename; other appearances and disappearances are
//! additions and removals; an operation whose first tag changed otherwise moved.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Change;
use super::operations::Op;
use super::rules;
use crate::generate::{features, model};

fn tags(op: &Op) -> Vec<String> {
    op.op
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

fn first_tag(op: &Op) -> Option<String> {
    tags(op).into_iter().next()
}

/// The cargo feature the generator derives from `tag` (when some operation has it first).
fn feature(doc: &Value, tag: &str) -> Option<String> {
    model::operations(doc)
        .iter()
        .find(|o| o.tags.first().map(String::as_str) == Some(tag))
        .map(features::feature_of)
}

fn feature_note(old_doc: &Value, new_doc: &Value, old: &str, new: &str) -> String {
    match (feature(old_doc, old), feature(new_doc, new)) {
        (Some(a), Some(b)) if a != b => format!(" (cargo feature `{a}` -> `{b}`)"),
        _ => String::new(),
    }
}

/// Old first tag -> new first tag, for tags renamed as a whole.
fn renames(
    old_ops: &[Op],
    new_ops: &[Op],
    pairs: &[(usize, usize)],
    removed: &BTreeSet<String>,
    added: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut moved: BTreeMap<Option<String>, BTreeSet<Option<String>>> = BTreeMap::new();
    let mut came_from: BTreeMap<Option<String>, BTreeSet<Option<String>>> = BTreeMap::new();
    for (i, j) in pairs {
        let (a, b) = (first_tag(&old_ops[*i]), first_tag(&new_ops[*j]));
        moved.entry(a.clone()).or_default().insert(b.clone());
        came_from.entry(b).or_default().insert(a);
    }
    let mut out = BTreeMap::new();
    for t in removed {
        let Some(targets) = moved.get(&Some(t.clone())) else {
            continue;
        };
        let [Some(u)] = targets.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let sole_source = came_from.get(&Some(u.clone())).is_some_and(|s| s.len() == 1);
        if added.contains(u) && sole_source && !out.values().any(|v| v == u) {
            out.insert(t.clone(), u.clone());
        }
    }
    out
}

pub(super) fn compare(
    old_doc: &Value,
    new_doc: &Value,
    old_ops: &[Op],
    new_ops: &[Op],
    pairs: &[(usize, usize)],
    out: &mut Vec<Change>,
) {
    let all = |ops: &[Op]| -> BTreeSet<String> { ops.iter().flat_map(tags).collect() };
    let (old_tags, new_tags) = (all(old_ops), all(new_ops));
    let removed: BTreeSet<String> = old_tags.difference(&new_tags).cloned().collect();
    let added: BTreeSet<String> = new_tags.difference(&old_tags).cloned().collect();
    let renamed = renames(old_ops, new_ops, pairs, &removed, &added);
    let count = |ops: &[Op], t: &str| ops.iter().filter(|o| first_tag(o).as_deref() == Some(t)).count();
    for (t, u) in &renamed {
        out.push(Change::new(
            &rules::TAG_RENAMED,
            None,
            format!("tags.{t}"),
            format!(
                "tag `{t}` is now `{u}` ({} operations){}",
                count(new_ops, u),
                feature_note(old_doc, new_doc, t, u)
            ),
        ));
    }
    for t in removed.iter().filter(|t| !renamed.contains_key(*t)) {
        out.push(Change::new(
            &rules::TAG_REMOVED,
            None,
            format!("tags.{t}"),
            format!("no operation has the tag `{t}` any more"),
        ));
    }
    for u in added.iter().filter(|u| !renamed.values().any(|v| v == *u)) {
        out.push(Change::new(
            &rules::TAG_ADDED,
            None,
            format!("tags.{u}"),
            format!("new tag `{u}` ({} operations)", count(new_ops, u)),
        ));
    }
    for (i, j) in pairs {
        let (a, b) = (first_tag(&old_ops[*i]), first_tag(&new_ops[*j]));
        let explained = matches!((&a, &b), (Some(a), Some(b)) if renamed.get(a) == Some(b));
        if a != b && !explained {
            let show = |t: &Option<String>| t.as_deref().unwrap_or("(none)").to_string();
            let note = match (&a, &b) {
                (Some(a), Some(b)) => feature_note(old_doc, new_doc, a, b),
                _ => String::new(),
            };
            out.push(Change::new(
                &rules::OPERATION_TAG_CHANGED,
                Some(&new_ops[*j]),
                "tags".into(),
                format!("the operation moved from tag `{}` to `{}`{note}", show(&a), show(&b)),
            ));
        }
    }
}
