//! The XML fast path: the service's documents as they come, read in one pass.
//!
//! Recognised: an optional `<?xml version="1.0" encoding="UTF-8"?>`, the root, then elements
//! written `<Name>text</Name>` with blanks (space, tab, CR, LF) between them; text holding the
//! entities quick-xml decodes (decoded by the very function the general decoder calls). Elements
//! of unknown name whose content is plain text are skipped, as the general decoder skips them.
//! Anything else (comments, CDATA, processing instructions, a DTD, attributes, prefixes, `<X/>`,
//! blanks inside tags, non-UTF-8 bytes, trailing content) ends the fast path: `None`.

use super::cursor::Cursor;
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
        at: Cursor::new(body)?,
    };
    scan.at.eat(PROLOG);
    scan.at.skip_blanks();
    if !scan.eat_open(shape.root) {
        return None;
    }
    let names: [&str; N] = shape.fields.map(|field| field.name);
    let outer = shape.tasks.outer();
    let mut doc = FlatDoc::new();
    let mut hint = 0;
    loop {
        scan.at.skip_blanks();
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
    scan.at.at_end().then_some(doc)
}

/// The XML steps over a [`Cursor`].
struct Scanner<'a> {
    at: Cursor<'a>,
}

impl<'a> Scanner<'a> {
    /// Consumes the start tag `<name>` if it is next.
    #[inline(always)]
    fn eat_open(&mut self, name: &str) -> bool {
        self.eat_tag(b"<", name)
    }

    /// Consumes the end tag `</name>` if it is next.
    #[inline(always)]
    fn eat_close(&mut self, name: &str) -> bool {
        self.eat_tag(b"</", name)
    }

    /// Consumes `opening`, `name`, `>` if they are next.
    #[inline(always)]
    fn eat_tag(&mut self, opening: &[u8], name: &str) -> bool {
        let rest = self.at.rest();
        let after = opening.len() + name.len();
        let found = rest.get(after) == Some(&b'>')
            && rest.starts_with(opening)
            && rest.get(opening.len()..after) == Some(name.as_bytes());
        if found {
            self.at.pos += after + 1;
        }
        found
    }

    /// Consumes a start tag `<Name>` whose name is plain (ASCII letters, digits, `_`, `-`, `.`:
    /// no prefix, no attribute, not `<X/>`, not a comment or declaration) and returns the name.
    fn open_tag(&mut self) -> Option<&'a str> {
        let rest = self.at.rest();
        if rest.first() != Some(&b'<') {
            return None;
        }
        let length = memchr::memchr(b'>', rest)?;
        let name = rest.get(1..length)?;
        let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        if name.is_empty() || !name.iter().all(plain) {
            return None;
        }
        let name = self.at.text.get(self.at.pos + 1..self.at.pos + length)?;
        self.at.pos += length + 1;
        Some(name)
    }

    /// The text up to the end tag `</name>`, entities decoded, consuming the end tag. `None`
    /// when markup other than that end tag comes first, or an entity is not one quick-xml knows.
    #[inline(always)]
    fn text_to_end(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let start = self.at.pos;
        let rest = self.at.rest();
        let (end, entities) = match memchr::memchr2(b'<', b'&', rest)? {
            lt if rest.get(lt) == Some(&b'<') => (lt, false),
            amp => (amp + memchr::memchr(b'<', rest.get(amp..)?)?, true),
        };
        let raw = self.at.text.get(start..start + end)?;
        self.at.pos = start + end;
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
        let lt = memchr::memchr(b'<', self.at.rest())?;
        self.at.pos += lt;
        self.eat_close(name).then_some(())
    }

    /// Reads one task, its start tag `<name>` consumed, up to and including its end tag.
    #[inline(always)]
    fn task(&mut self, name: &str) -> Option<Task> {
        let mut fields = TaskFields::default();
        let mut hint = 0;
        loop {
            self.at.skip_blanks();
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
            self.at.skip_blanks();
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
