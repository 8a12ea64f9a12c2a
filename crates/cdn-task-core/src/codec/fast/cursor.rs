//! A position in a body known to be UTF-8, and the steps both scanners take.

/// The body and how far a scanner has read.
pub(crate) struct Cursor<'a> {
    /// The whole body.
    pub(crate) text: &'a str,
    /// Byte offset of the next byte to read.
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `body`; `None` when it is not all UTF-8 (the general decoders
    /// then decide, byte for byte as before).
    pub(crate) fn new(body: &'a [u8]) -> Option<Cursor<'a>> {
        Some(Cursor {
            text: std::str::from_utf8(body).ok()?,
            pos: 0,
        })
    }

    /// What is left to read.
    #[inline(always)]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// Skips space, tab, CR and LF: JSON's blanks, and blank text between XML elements.
    #[inline(always)]
    pub(crate) fn skip_blanks(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.rest().first() {
            self.pos += 1;
        }
    }

    /// Consumes `literal` if it is next.
    #[inline(always)]
    pub(crate) fn eat(&mut self, literal: &[u8]) -> bool {
        let found = self.rest().starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    /// Whether everything was read, blanks after the document aside.
    pub(crate) fn at_end(mut self) -> bool {
        self.skip_blanks();
        self.pos == self.text.len()
    }
}
