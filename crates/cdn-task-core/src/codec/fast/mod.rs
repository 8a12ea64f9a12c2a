//! Fast paths for the service's own bodies: one pass over the bytes, no event objects, fields
//! written straight into the typed [`Task`].
//!
//! The service's documents are small, flat and regular: a root holding a few scalar fields and a
//! sequence of task objects, each of seven text fields. A fast path recognises exactly that (in
//! the service's field order or any other, with blanks between elements or tokens, entities,
//! unknown fields whose value is plain text) and gives up, returning `None`, on anything else:
//! comments, CDATA, processing instructions, attributes, namespace prefixes, JSON escapes,
//! duplicate fields, values that do not parse, or any error at all. The caller then runs the
//! general decoder (`codec::xml`, serde_json) on the same bytes, so **the general decoder decides
//! every error**, and what is accepted and every error message stay exactly as they are.
//!
//! The rule the fast paths keep, checked by the differential fuzz targets
//! (`fuzz/fuzz_targets/fast_diff_*.rs`) and the property tests in `tests.rs`: when a fast path
//! returns a value, the general decoder returns the same value.
//!
//! A document is described by a [`Shape`]: its XML root, its scalar fields, and where its tasks
//! are ([`TasksAt`]): directly (`DescribeRefreshTaskById`: `"Tasks":[…]`, repeated `<Tasks>`), or
//! inside a wrapper (`DescribeRefreshTasks`: `"Tasks":{"CDNTask":[…]}`, `<Tasks><CDNTask>…`). The
//! scanners ([`json::decode`], [`xml::decode`]) return a [`FlatDoc`]: the scalar fields' text and
//! the tasks; each body type turns that into itself (see [`by_id`] and [`task_page`]).

pub(crate) mod by_id;
mod cursor;
#[cfg(feature = "differential")]
pub mod differential;
pub(crate) mod json;
mod task_fields;
pub(crate) mod task_page;
#[cfg(test)]
mod tests;
pub(crate) mod xml;

use crate::task::Task;
use std::borrow::Cow;

/// How a scalar field's value is written in JSON (XML writes both as element text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A JSON string.
    Text,
    /// A JSON unsigned integer that fits a `u64` (`0`, `17`; no sign, fraction or exponent).
    Count,
}

/// A scalar field of the document root.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scalar {
    /// The wire name (`RequestId`).
    pub(crate) name: &'static str,
    /// How JSON writes its value.
    pub(crate) kind: Kind,
}

/// Where a document keeps its tasks.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TasksAt {
    /// Directly under the root: `"Name":[{…},…]` in JSON, a repeated `<Name>` element per task
    /// in XML (`DescribeRefreshTaskById`'s `Tasks`).
    Direct(&'static str),
    /// In a wrapper: `"Outer":{"Inner":[{…},…]}` in JSON, `<Outer><Inner>…</Inner>…</Outer>` in
    /// XML (`DescribeRefreshTasks`' `Tasks`/`CDNTask`).
    Wrapped(&'static str, &'static str),
}

impl TasksAt {
    /// The name of the root's child that holds the tasks (or is one).
    pub(crate) fn outer(self) -> &'static str {
        match self {
            TasksAt::Direct(name) | TasksAt::Wrapped(name, _) => name,
        }
    }
}

/// The shape of a flat document: root, scalar fields, tasks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape<const N: usize> {
    /// The XML root element.
    pub(crate) root: &'static str,
    /// The scalar fields, in the service's order (the order the scanners expect first).
    pub(crate) fields: [Scalar; N],
    /// Where the tasks are.
    pub(crate) tasks: TasksAt,
    /// How many tasks to make room for up front (the most one body usually holds).
    pub(crate) task_capacity: usize,
}

/// What a fast path read: the text of each scalar field of the [`Shape`] (`None` when absent;
/// entities decoded) and the tasks (`None` when the document has no tasks element or key).
#[derive(Debug)]
pub(crate) struct FlatDoc<'a, const N: usize> {
    /// The scalar fields' text, in the order of [`Shape::fields`].
    pub(crate) values: [Option<Cow<'a, str>>; N],
    /// The tasks, in document order.
    pub(crate) tasks: Option<Vec<Task>>,
}

impl<'a, const N: usize> FlatDoc<'a, N> {
    /// An empty document: nothing found yet.
    fn new() -> Self {
        FlatDoc {
            values: std::array::from_fn(|_| None),
            tasks: None,
        }
    }

    /// Stores the text of scalar field `index`; `None` if it was already there (the general
    /// decoders refuse a duplicate field, so the fast path leaves the body to them).
    fn set(&mut self, index: usize, text: Cow<'a, str>) -> Option<()> {
        let slot = self.values.get_mut(index)?;
        if slot.is_some() {
            return None;
        }
        *slot = Some(text);
        Some(())
    }

    /// Takes scalar field `index`'s text out, when present.
    pub(crate) fn take(&mut self, index: usize) -> Option<Cow<'a, str>> {
        self.values.get_mut(index)?.take()
    }
}

/// Where `name` is in `names`, trying `hint` first: the fields usually come in the order listed.
#[inline(always)]
fn position(names: &[&str], hint: usize, name: &[u8]) -> Option<usize> {
    if names
        .get(hint)
        .is_some_and(|expected| expected.as_bytes() == name)
    {
        return Some(hint);
    }
    names.iter().position(|expected| expected.as_bytes() == name)
}

/// Parses a scalar field's text as a count, the way both general decoders accept it (`u64`'s
/// `FromStr`, which is what the XML decoder calls; the JSON scanner has already checked that the
/// text is a plain integer, which serde_json accepts for a `u64`).
pub(crate) fn count(text: Option<Cow<'_, str>>) -> Option<u64> {
    text?.parse().ok()
}
