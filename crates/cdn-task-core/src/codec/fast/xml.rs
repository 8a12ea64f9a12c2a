//! The XML fast path: the service's documents as they come, read in one pass.
//!
//! Recognised: an optional `<?xml version="1.0" encoding="UTF-8"?>`, the root, then elements
//! written `<Name>text</Name>` with blanks (space, tab, CR, LF) between them; text holding the
//! entities quick-xml decodes (decoded by the very function the general decoder calls). Elements
//! of unknown name whose content is plain text are skipped, as the general decoder skips them.
//! Anything else (comments, CDATA, processing instructions, a DTD, attributes, prefixes, `<X/>`,
//! blanks inside tags, non-UTF-8 bytes, trailing content) ends the fast path: `None`.

use super::task_fields::{TASK_FIELDS, TaskFields};
use super::{FlatDoc, Shape, TasksAt, position};
use crate::task::Task;
use std::borrow::Cow;

/// The XML declaration the service (and the core's encoder) writes.
const PROLOG: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// Reads `body` as a document of `shape`; `None` when it is not one the fast path recognises
/// (the general decoder then decides).
pub(crate) fn decode<'a, const N: usize>(body: &'a [u8], shape: &Shape<N>) -> Option<FlatDoc<'a, N>> {
    let mut scan = Scanner {
        text: std::str::from_utf8(body).ok()?,
        pos: 0,
    };
    scan.eat(PROLOG);
    scan.skip_blanks();
    if !scan.eat_open(shape.root) {
        return None;
    }
    let names: [&str; N] = shape.fields.map(|field| field.name);
    let outer = shape.tasks.outer();
    let mut doc = FlatDoc::new();
    let mut hint = 0;
    loop {
        scan.skip_blanks();
        if scan.eat_close(shape.root) {
            break;
        }
        if scan.eat_open(outer) {
            match shape.tasks {
                TasksAt::Direct(_) => {
                    let task = scan.task(outer)?;
                    doc.tasks
                        .get_or_insert_with(|| Vec::with_capacity(shape.task_capacity))
                        .push(task);
                }
                // The general decoder's view of a second wrapper is not the fast path's to guess.
                TasksAt::Wrapped(_, _) if doc.tasks.is_some() => return None,
                TasksAt::Wrapped(_, inner) => {
                    doc.tasks = Some(scan.wrapped_tasks(outer, inner, shape.task_capacity)?);
                }
            }
            continue;
        }
        let name = scan.open_tag()?;
        match position(&names, hint, name.as_bytes()) {
            Some(index) => {
                let text = scan.text_to_end(name)?;
                doc.set(index, text)?;
                hint = index + 1;
            }
            None => scan.skip_text_element(name)?,
        }
    }
    scan.skip_blanks();
    (scan.pos == body.len()).then_some(doc)
}

/// A position in a body known to be UTF-8.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// Skips what the general decoder skips as blank text between elements.
    #[inline(always)]
    fn skip_blanks(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.rest().first() {
            self.pos += 1;
        }
    }

    /// Consumes `literal` if the rest starts with it.
    #[inline(always)]
    fn eat(&mut self, literal: &[u8]) -> bool {
        let found = self.rest().starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    /// Consumes the start tag `<name>` if it is next.
    #[inline(always)]
    fn eat_open(&mut self, name: &str) -> bool {
        let rest = self.rest();
        let found = rest.first() == Some(&b'<')
            && rest
                .get(1..)
                .is_some_and(|after| after.starts_with(name.as_bytes()))
            && rest.get(name.len() + 1) == Some(&b'>');
        if found {
            self.pos += name.len() + 2;
        }
        found
    }

    /// Consumes the end tag `</name>` if it is next.
    #[inline(always)]
    fn eat_close(&mut self, name: &str) -> bool {
        let rest = self.rest();
        let found = rest.starts_with(b"</")
            && rest
                .get(2..)
                .is_some_and(|after| after.starts_with(name.as_bytes()))
            && rest.get(name.len() + 2) == Some(&b'>');
        if found {
            self.pos += name.len() + 3;
        }
        found
    }

    /// Consumes a start tag `<Name>` whose name is plain (ASCII letters, digits, `_`, `-`, `.`:
    /// no prefix, no attribute, not `<X/>`, not a comment or declaration) and returns the name.
    fn open_tag(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if rest.first() != Some(&b'<') {
            return None;
        }
        let length = memchr::memchr(b'>', rest)?;
        let name = rest.get(1..length)?;
        let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        if name.is_empty() || !name.iter().all(plain) {
            return None;
        }
        let name = self.text.get(self.pos + 1..self.pos + length)?;
        self.pos += length + 1;
        Some(name)
    }

    /// The text up to the end tag `</name>`, entities decoded, consuming the end tag. `None`
    /// when markup other than that end tag comes first, or an entity is not one quick-xml knows.
    #[inline(always)]
    fn text_to_end(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let start = self.pos;
        let rest = self.rest();
        let (end, entities) = match memchr::memchr2(b'<', b'&', rest)? {
            lt if rest.get(lt) == Some(&b'<') => (lt, false),
            amp => (amp + memchr::memchr(b'<', rest.get(amp..)?)?, true),
        };
        let raw = self.text.get(start..start + end)?;
        self.pos = start + end;
        if !self.eat_close(name) {
            return None;
        }
        if entities {
            // The general decoder's own unescaping: same entities, same result.
            quick_xml::escape::unescape(raw).ok()
        } else {
            Some(Cow::Borrowed(raw))
        }
    }

    /// Skips the rest of an element of unknown name that holds plain text only.
    fn skip_text_element(&mut self, name: &str) -> Option<()> {
        let lt = memchr::memchr(b'<', self.rest())?;
        self.pos += lt;
        self.eat_close(name).then_some(())
    }

    /// Reads one task, its start tag `<name>` consumed, up to and including its end tag.
    #[inline(always)]
    fn task(&mut self, name: &str) -> Option<Task> {
        let mut fields = TaskFields::default();
        let mut hint = 0;
        loop {
            self.skip_blanks();
            if self.eat_close(name) {
                return fields.finish();
            }
            let index = match TASK_FIELDS.get(hint) {
                Some(expected) if self.eat_open(expected) => hint,
                _ => {
                    let tag = self.open_tag()?;
                    match position(&TASK_FIELDS, hint, tag.as_bytes()) {
                        Some(index) => index,
                        None => {
                            self.skip_text_element(tag)?;
                            continue;
                        }
                    }
                }
            };
            let text = self.text_to_end(TASK_FIELDS.get(index)?)?;
            fields.set(index, text)?;
            hint = index + 1;
        }
    }

    /// Reads `<inner>` tasks up to the wrapper's end tag `</outer>` (its start tag consumed).
    fn wrapped_tasks(&mut self, outer: &str, inner: &str, capacity: usize) -> Option<Vec<Task>> {
        let mut tasks = Vec::with_capacity(capacity);
        loop {
            self.skip_blanks();
            if self.eat_close(outer) {
                return Some(tasks);
            }
            if !self.eat_open(inner) {
                return None;
            }
            tasks.push(self.task(inner)?);
        }
    }
}
