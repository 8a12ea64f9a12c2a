//! The JSON fast path: the service's documents as they come, read in one pass, every string
//! borrowed from the body.
//!
//! Recognised: objects and arrays of the [`Shape`], with blanks (space, tab, CR, LF) between
//! tokens; strings without escapes; counts written as plain integers that fit a `u64`; keys of
//! unknown name whose value is such a string (skipped, as serde skips unknown keys). Anything else
//! (an escape, a control character in a string, a key twice, a value of another type, `null`,
//! trailing content, bytes that are not UTF-8) ends the fast path: `None`.

use super::cursor::Cursor;
use super::task_fields::{TASK_FIELDS, TaskFields};
use super::{FlatDoc, Kind, Shape, TasksAt, position};
use crate::task::Task;
use std::borrow::Cow;

/// Reads `body` as a document of `shape`; `None` when it is not one the fast path recognises
/// (serde_json then decides).
pub(crate) fn decode<'a, const N: usize>(body: &'a [u8], shape: &Shape<N>) -> Option<FlatDoc<'a, N>> {
    let mut scan = Scanner {
        at: Cursor::new(body)?,
        // Compact bodies have no control character at all; only when the body has one must each
        // string be searched for it (serde_json refuses them unescaped in a string).
        controls: body.iter().fold(false, |seen, &b| seen | (b < 0x20)),
    };
    let names: [&str; N] = shape.fields.map(|field| field.name);
    let outer = shape.tasks.outer();
    let mut doc = FlatDoc::new();
    let mut hint = 0;
    scan.at.skip_blanks();
    scan.object(|scan, key| {
        if key == outer {
            if doc.tasks.is_some() {
                return None;
            }
            doc.tasks = Some(match shape.tasks {
                TasksAt::Direct(_) => scan.tasks(shape.task_capacity)?,
                TasksAt::Wrapped(_, inner) => scan.wrapped_tasks(inner, shape.task_capacity)?,
            });
            return Some(());
        }
        let Some(index) = position(&names, hint, key.as_bytes()) else {
            return scan.skip_value();
        };
        let text = match shape.fields.get(index)?.kind {
            Kind::Text => scan.string()?,
            Kind::Count => scan.count()?,
        };
        hint = index + 1;
        doc.set(index, Cow::Borrowed(text))
    })?;
    scan.at.at_end().then_some(doc)
}

/// The JSON steps over a [`Cursor`].
struct Scanner<'a> {
    at: Cursor<'a>,
    /// Whether the body has a byte below 0x20 anywhere.
    controls: bool,
}

impl<'a> Scanner<'a> {
    /// Consumes `byte` if it is next.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.at.rest().first() == Some(&byte);
        if found {
            self.at.pos += 1;
        }
        found
    }

    /// A string without escapes or control characters, borrowed from the body.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.at.pos;
        let rest = self.at.rest();
        let end = memchr::memchr2(b'"', b'\\', rest)?;
        if rest.get(end) != Some(&b'"') {
            return None;
        }
        let text = self.at.text.get(start..start + end)?;
        if self.controls && text.bytes().any(|b| b < 0x20) {
            return None;
        }
        self.at.pos = start + end + 1;
        Some(text)
    }

    /// An unsigned integer as serde_json reads one into a `u64`: `0` or digits not starting with
    /// `0`, no sign, fraction or exponent, at most `u64::MAX`. Returns its digits.
    fn count(&mut self) -> Option<&'a str> {
        let start = self.at.pos;
        let digits = self.at.rest().iter().take_while(|b| b.is_ascii_digit()).count();
        let text = self.at.text.get(start..start + digits)?;
        let leading_zero = digits > 1 && text.starts_with('0');
        let fraction_or_exponent = matches!(self.at.rest().get(digits), Some(b'.' | b'e' | b'E'));
        if digits == 0 || leading_zero || fraction_or_exponent || text.parse::<u64>().is_err() {
            return None;
        }
        self.at.pos += digits;
        Some(text)
    }

    /// Skips the value of an unknown key: only a string is recognised.
    fn skip_value(&mut self) -> Option<()> {
        self.string().map(|_| ())
    }

    /// Reads an object, handing each key (the scanner just past the `:` and blanks) to `value`,
    /// which reads the value.
    #[inline(always)]
    fn object(&mut self, mut value: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        self.at.skip_blanks();
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.at.skip_blanks();
            if !self.eat(b':') {
                return None;
            }
            self.at.skip_blanks();
            value(self, key)?;
            self.at.skip_blanks();
            if self.eat(b'}') {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
            self.at.skip_blanks();
        }
    }

    /// An array of task objects.
    fn tasks(&mut self, capacity: usize) -> Option<Vec<Task>> {
        if !self.eat(b'[') {
            return None;
        }
        let mut tasks = Vec::with_capacity(capacity);
        self.at.skip_blanks();
        if self.eat(b']') {
            return Some(tasks);
        }
        loop {
            tasks.push(self.task()?);
            self.at.skip_blanks();
            if self.eat(b']') {
                return Some(tasks);
            }
            if !self.eat(b',') {
                return None;
            }
            self.at.skip_blanks();
        }
    }

    /// `{"inner":[tasks]}`, nothing else in the wrapper.
    fn wrapped_tasks(&mut self, inner: &str, capacity: usize) -> Option<Vec<Task>> {
        let mut tasks = None;
        self.object(|scan, key| {
            if key != inner || tasks.is_some() {
                return None;
            }
            tasks = Some(scan.tasks(capacity)?);
            Some(())
        })?;
        tasks
    }

    /// One task object, every field a string.
    #[inline(always)]
    fn task(&mut self) -> Option<Task> {
        let mut fields = TaskFields::default();
        let mut hint = 0;
        self.object(|scan, key| match position(&TASK_FIELDS, hint, key.as_bytes()) {
            Some(index) => {
                let text = scan.string()?;
                hint = index + 1;
                fields.set(index, Cow::Borrowed(text))
            }
            None => scan.skip_value(),
        })?;
        fields.finish()
    }
}
