//! XML plumbing over quick-xml: a pull reader for the service's flat documents, and a writer.
//!
//! The service's XML is shallow: a root whose children are text elements or (for tasks)
//! elements of text elements. The reader walks it without recursion, skips unknown elements,
//! decodes entities and CDATA, refuses DTDs (so no entity expansion of any kind), and reports
//! byte offsets.

use super::DecodeError;
use quick_xml::Reader;
use quick_xml::encoding::EncodingError;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::str::FromStr;

/// A pull reader positioned inside an element, handing out its children one by one.
pub(crate) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    /// Finds text that is a slice of the body without validating it again, and entities.
    body: BodyText<'a>,
}

/// The body, checked once, so that the text of each element costs no more than a slice.
///
/// Decoding a text piece the way quick-xml does (`BytesText::unescape`) validates its UTF-8 and
/// scans it for entities, piece by piece; on the service's documents of many short fields that
/// per-piece work cost more than reading the events (see `benches/README.md`). Here the whole body
/// is validated once and pieces are sliced out of it; only a piece with a `&` is unescaped. A body
/// that is not all UTF-8 takes the per-piece path, so errors and what is accepted do not change.
struct BodyText<'a> {
    bytes: &'a [u8],
    /// The body as text, when it is all UTF-8.
    text: Option<&'a str>,
}

impl<'a> BodyText<'a> {
    fn new(bytes: &'a [u8]) -> BodyText<'a> {
        BodyText {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// `piece` as text, when it is a slice of a body known to be UTF-8.
    fn slice(&self, piece: &[u8]) -> Option<&'a str> {
        let text = self.text?;
        let start = (piece.as_ptr() as usize).checked_sub(self.bytes.as_ptr() as usize)?;
        let end = start.checked_add(piece.len())?;
        // `get` also refuses a range that is not on character boundaries.
        text.get(start..end)
    }
}

/// A child element just opened: its local name, whether it is empty (`<X/>`), and its offset.
pub(crate) struct Child<'a> {
    start: BytesStart<'a>,
    /// Where the local name starts in the qualified name (past `prefix:`).
    local_start: usize,
    empty: bool,
    /// Byte offset just past the start tag.
    pub(crate) offset: u64,
}

impl<'a> Child<'a> {
    fn new(start: BytesStart<'a>, empty: bool, offset: u64) -> Child<'a> {
        // What `QName::local_name` does, done once per element rather than at every look at the
        // name, and with a plain loop: the names are short, and `memchr`'s set-up on short input
        // costs more than the search.
        let local_start = start
            .name()
            .into_inner()
            .iter()
            .position(|&b| b == b':')
            .map_or(0, |colon| colon + 1);
        Child {
            start,
            local_start,
            empty,
            offset,
        }
    }

    /// The element's local name (namespace prefix dropped).
    pub(crate) fn name(&self) -> &[u8] {
        self.start
            .name()
            .into_inner()
            .get(self.local_start..)
            .unwrap_or_default()
    }

    /// Whether the element was written empty (`<X/>`).
    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }

    /// The name as text, for error messages.
    pub(crate) fn display_name(&self) -> String {
        String::from_utf8_lossy(self.name()).into_owned()
    }
}

impl<'a> XmlReader<'a> {
    /// Opens `body`, skipping the prolog, and checks that the root element is `root`.
    pub(crate) fn open(body: &'a [u8], root: &'static str) -> Result<Self, DecodeError> {
        let mut xml = XmlReader {
            reader: Reader::from_reader(body),
            body: BodyText::new(body),
        };
        loop {
            let offset = xml.reader.buffer_position();
            match xml.reader.read_event().map_err(|e| xml.syntax(e))? {
                Event::Start(start) if start.local_name().as_ref() == root.as_bytes() => return Ok(xml),
                Event::Start(start) | Event::Empty(start) => {
                    return Err(DecodeError::XmlWrongRoot {
                        expected: root,
                        found: String::from_utf8_lossy(start.name().as_ref()).into_owned(),
                    });
                }
                Event::DocType(_) => return Err(DecodeError::XmlDtd { offset }),
                Event::Eof => {
                    return Err(DecodeError::XmlSyntax {
                        offset,
                        detail: format!("the document has no root element; expected <{root}>"),
                    });
                }
                Event::Text(text) if !is_blank(&text) => {
                    return Err(DecodeError::XmlSyntax {
                        offset,
                        detail: "text before the root element".into(),
                    });
                }
                // Declaration, comments, processing instructions, blank text.
                _ => {}
            }
        }
    }

    /// The next child element of the current element, or `None` at the current element's end.
    /// Text, comments and processing instructions between children are skipped.
    ///
    /// This, `text`, `parse` and `unescape` are inlined into the decoders' field loops: that took
    /// an eighth off XML decoding (see `benches/README.md`).
    #[inline(always)]
    pub(crate) fn next_child(&mut self) -> Result<Option<Child<'a>>, DecodeError> {
        loop {
            let offset = self.reader.buffer_position();
            // The `Result` is matched as it is, not through `?`: one copy of the event fewer on
            // the hot path (same in `text`).
            match self.reader.read_event() {
                Ok(Event::Start(start)) => {
                    return Ok(Some(Child::new(start, false, self.reader.buffer_position())));
                }
                Ok(Event::Empty(start)) => {
                    return Ok(Some(Child::new(start, true, self.reader.buffer_position())));
                }
                Ok(Event::End(_)) => return Ok(None),
                Ok(Event::Eof) => return Err(self.truncated()),
                Ok(Event::DocType(_)) => return Err(DecodeError::XmlDtd { offset }),
                Ok(_) => {}
                Err(error) => return Err(self.syntax(error)),
            }
        }
    }

    /// The text of `child` (entities decoded, CDATA included), consuming it to its end tag.
    #[inline(always)]
    pub(crate) fn text(&mut self, child: &Child<'a>) -> Result<Cow<'a, str>, DecodeError> {
        if child.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        loop {
            let offset = self.reader.buffer_position();
            let piece: Cow<'a, str> = match self.reader.read_event() {
                Ok(Event::Text(raw)) => self.unescape(raw.into_inner(), offset)?,
                Ok(Event::CData(raw)) => match raw.into_inner() {
                    Cow::Borrowed(bytes) => match self.body.slice(bytes) {
                        Some(text) => Cow::Borrowed(text),
                        None => Cow::Borrowed(utf8(bytes, offset)?),
                    },
                    Cow::Owned(bytes) => Cow::Owned(utf8(&bytes, offset)?.to_owned()),
                },
                Ok(Event::End(_)) => return Ok(text),
                Ok(Event::Start(_) | Event::Empty(_)) => {
                    return Err(DecodeError::XmlUnexpectedMarkup {
                        element: child.display_name(),
                        offset,
                    });
                }
                Ok(Event::Eof) => return Err(self.truncated()),
                Ok(Event::DocType(_)) => return Err(DecodeError::XmlDtd { offset }),
                Ok(_) => continue,
                Err(error) => return Err(self.syntax(error)),
            };
            if text.is_empty() {
                text = piece;
            } else {
                text.to_mut().push_str(&piece);
            }
        }
    }

    /// Skips `child` and everything inside it.
    pub(crate) fn skip(&mut self, child: &Child<'a>) -> Result<(), DecodeError> {
        if child.empty {
            return Ok(());
        }
        let end = child.start.to_end().into_owned();
        self.reader
            .read_to_end(end.name())
            .map(|_| ())
            .map_err(|e| self.syntax(e))
    }

    /// Checks that nothing but comments, processing instructions and blanks follow the root.
    pub(crate) fn finish(mut self) -> Result<(), DecodeError> {
        loop {
            let offset = self.reader.buffer_position();
            match self.reader.read_event().map_err(|e| self.syntax(e))? {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_blank(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => {
                    return Err(DecodeError::XmlSyntax {
                        offset,
                        detail: "content after the root element".into(),
                    });
                }
            }
        }
    }

    /// The text of `child`, parsed as `T`, with `field` named in the error.
    #[inline(always)]
    pub(crate) fn parse<T>(&mut self, child: &Child<'a>, field: &'static str) -> Result<T, DecodeError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let text = self.text(child)?;
        text.parse().map_err(|error: T::Err| DecodeError::InvalidField {
            field,
            offset: child.offset,
            detail: error.to_string(),
        })
    }

    /// The text of a text event at `offset`, entities decoded: what `BytesText::unescape` gives,
    /// errors included, without validating or scanning a slice of a UTF-8 body again.
    #[inline(always)]
    fn unescape(&self, raw: Cow<'a, [u8]>, offset: u64) -> Result<Cow<'a, str>, DecodeError> {
        let encoding = |error: std::str::Utf8Error| {
            self.syntax_at(offset, quick_xml::Error::from(EncodingError::from(error)))
        };
        let (text, may_hold_entity) = match raw {
            Cow::Borrowed(bytes) => match self.body.slice(bytes) {
                Some(text) => (Cow::Borrowed(text), text.contains('&')),
                None => {
                    let text = std::str::from_utf8(bytes).map_err(encoding)?;
                    (Cow::Borrowed(text), text.contains('&'))
                }
            },
            Cow::Owned(bytes) => {
                let text = String::from_utf8(bytes).map_err(|error| encoding(error.utf8_error()))?;
                let may_hold_entity = text.contains('&');
                (Cow::Owned(text), may_hold_entity)
            }
        };
        if !may_hold_entity {
            return Ok(text);
        }
        match quick_xml::escape::unescape(&text) {
            Ok(Cow::Owned(unescaped)) => Ok(Cow::Owned(unescaped)),
            Ok(Cow::Borrowed(_)) => Ok(text),
            Err(error) => Err(self.syntax_at(offset, quick_xml::Error::from(error))),
        }
    }

    fn syntax(&self, error: quick_xml::Error) -> DecodeError {
        let offset = self.reader.error_position();
        self.syntax_at(offset, error)
    }

    fn syntax_at(&self, offset: u64, error: impl fmt::Display) -> DecodeError {
        DecodeError::XmlSyntax {
            offset,
            detail: error.to_string(),
        }
    }

    fn truncated(&self) -> DecodeError {
        DecodeError::XmlSyntax {
            offset: self.reader.buffer_position(),
            detail: "the document ends before the root element is closed".into(),
        }
    }
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

fn utf8(bytes: &[u8], offset: u64) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|error| DecodeError::XmlSyntax {
        offset: offset + error.valid_up_to() as u64,
        detail: "invalid UTF-8".into(),
    })
}

/// Decodes a flat document: root `root` whose children are text elements. Returns the text of
/// each of `fields` (`None` when absent); unknown children are skipped; a repeated field is an error.
pub(crate) fn decode_flat<const N: usize>(
    body: &[u8],
    root: &'static str,
    fields: [&'static str; N],
) -> Result<[Option<String>; N], DecodeError> {
    let mut xml = XmlReader::open(body, root)?;
    let values = text_fields(&mut xml, fields, root)?;
    xml.finish()?;
    Ok(values)
}

/// Reads the rest of the current element (named `container`): the text of each child named in
/// `fields` (`None` when absent); unknown children are skipped; a repeated field is an error.
pub(crate) fn text_fields<const N: usize>(
    xml: &mut XmlReader<'_>,
    fields: [&'static str; N],
    container: &str,
) -> Result<[Option<String>; N], DecodeError> {
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    while let Some(child) = xml.next_child()? {
        match fields.iter().position(|field| field.as_bytes() == child.name()) {
            Some(index) => {
                let text = xml.text(&child)?.into_owned();
                set_once(
                    &mut values[index],
                    text,
                    fields[index],
                    || format!("<{container}>"),
                    child.offset,
                )?;
            }
            None => xml.skip(&child)?,
        }
    }
    Ok(values)
}

/// Stores `value` into `slot`, refusing a second occurrence of the field.
pub(crate) fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    field: &'static str,
    container: impl FnOnce() -> String,
    offset: u64,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(DecodeError::DuplicateField {
            field,
            container: container(),
            offset,
        });
    }
    *slot = Some(value);
    Ok(())
}

/// Takes a required field out of its slot.
pub(crate) fn required<T>(
    slot: Option<T>,
    field: &'static str,
    container: impl FnOnce() -> String,
) -> Result<T, DecodeError> {
    slot.ok_or_else(|| DecodeError::MissingField {
        field,
        container: container(),
    })
}

/// A compact XML writer with a prolog.
pub(crate) struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// Starts a document with root element `root`.
    pub(crate) fn new(root: &str) -> XmlWriter {
        let mut out = String::with_capacity(512);
        out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        let mut writer = XmlWriter { out };
        writer.open(root);
        writer
    }

    /// Opens an element.
    pub(crate) fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Closes an element.
    pub(crate) fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes one `<name>text</name>` per pair, then closes the root: a whole flat document.
    pub(crate) fn flat(root: &str, fields: &[(&str, &str)]) -> String {
        let mut xml = XmlWriter::new(root);
        for (name, text) in fields {
            xml.text_element(name, text);
        }
        xml.finish(root)
    }

    /// Writes `<name>text</name>`, escaping the text.
    pub(crate) fn text_element(&mut self, name: &str, text: &str) {
        self.open(name);
        push_escaped(&mut self.out, text);
        self.close(name);
    }

    /// Writes `<name>value</name>` for a value whose `Display` needs no escaping (numbers, times).
    pub(crate) fn display_element(&mut self, name: &str, value: impl fmt::Display) {
        self.open(name);
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{value}");
        self.close(name);
    }

    /// Closes the root and returns the document.
    pub(crate) fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.out
    }
}

/// Escapes the characters that cannot stand in XML text or attribute values as they are.
fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(index) = rest.find(['&', '<', '>', '"', '\'', '\r']) {
        out.push_str(&rest[..index]);
        out.push_str(match rest.as_bytes()[index] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            // A raw CR would be normalised away by a conforming parser.
            _ => "&#13;",
        });
        rest = &rest[index + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name and text of the first child of the root `<r>`.
    fn first_field(body: &[u8]) -> Result<(String, String), DecodeError> {
        let mut xml = XmlReader::open(body, "r")?;
        loop {
            let child = xml.next_child()?.expect("a child");
            if child.name() == b"skip" {
                xml.skip(&child)?;
                continue;
            }
            let text = xml.text(&child)?.into_owned();
            return Ok((child.display_name(), text));
        }
    }

    #[test]
    fn text_is_sliced_and_unescaped_as_quick_xml_does() {
        for (inner, expected) in [
            ("plain", "plain"),
            ("", ""),
            ("a&amp;b&lt;c&gt;", "a&b<c>"),
            ("x&#65;<![CDATA[<&amp;>]]>y<!-- c -->z", "xA<&amp;>yz"),
            ("é&quot;€", "é\"€"),
        ] {
            let body = format!("<?xml version=\"1.0\"?><r><f>{inner}</f></r>");
            assert_eq!(
                first_field(body.as_bytes()),
                Ok(("f".into(), expected.into())),
                "{inner}"
            );
        }
    }

    #[test]
    fn prefixed_names_match_by_local_name() {
        assert_eq!(
            first_field(b"<r xmlns:x=\"urn:x\"><x:f>v</x:f></r>"),
            Ok(("f".into(), "v".into()))
        );
        assert_eq!(first_field(b"<r><:f>v</:f></r>"), Ok(("f".into(), "v".into())));
    }

    #[test]
    fn a_body_that_is_not_all_utf8_decodes_where_it_is() {
        // The whole-body check fails, so every piece takes the per-piece path.
        let body = b"<r><skip>\xff</skip><!-- \xfe --><f>a&amp;b</f></r>";
        assert_eq!(first_field(body), Ok(("f".into(), "a&b".into())));
    }

    #[test]
    fn errors_in_text_are_those_of_quick_xml() {
        let utf8_error = std::str::from_utf8(std::hint::black_box(b"a\xffb")).unwrap_err();
        assert_eq!(
            first_field(b"<r><f>a\xffb</f></r>"),
            Err(DecodeError::XmlSyntax {
                offset: 6,
                detail: quick_xml::Error::from(EncodingError::from(utf8_error)).to_string(),
            })
        );
        let Err(DecodeError::XmlSyntax { offset, detail }) = first_field(b"<r><f>a&bogus;</f></r>") else {
            panic!("an unknown entity is a syntax error");
        };
        assert_eq!(offset, 6);
        assert!(detail.contains("bogus"), "{detail}");
    }

    /// Opens `body` with root `<r>`, reads to the root's end and checks what follows it.
    fn whole(body: &[u8]) -> Result<(), DecodeError> {
        let mut xml = XmlReader::open(body, "r")?;
        while let Some(child) = xml.next_child()? {
            xml.skip(&child)?;
        }
        xml.finish()
    }

    #[test]
    fn only_blanks_comments_and_instructions_surround_the_root() {
        assert_eq!(
            whole(b" \n<!-- c --><?pi x?>\n<r><f>v</f></r>\n<!-- c --><?pi?> \t"),
            Ok(())
        );
        let syntax = |offset: u64, detail: &str| {
            Err(DecodeError::XmlSyntax {
                offset,
                detail: detail.into(),
            })
        };
        assert_eq!(whole(b"  junk<r/>"), syntax(0, "text before the root element"));
        assert_eq!(
            whole(b"<r></r>\n junk"),
            syntax(7, "content after the root element")
        );
        assert_eq!(
            whole(b"<r></r><r></r>"),
            syntax(7, "content after the root element")
        );
    }

    #[test]
    fn invalid_utf8_in_cdata_is_placed_at_its_byte() {
        // The body is not all UTF-8, so the CDATA section is checked on its own: the error's
        // offset is the section's plus the valid bytes before the bad one.
        assert_eq!(
            first_field(b"<r><f><![CDATA[ab\xffc]]></f></r>"),
            Err(DecodeError::XmlSyntax {
                offset: 8,
                detail: "invalid UTF-8".into(),
            })
        );
    }

    #[test]
    fn escapes_markup_and_carriage_returns() {
        let mut out = String::new();
        push_escaped(&mut out, "a&b<c>d\"e'f\rg€");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;g€");
    }
}
