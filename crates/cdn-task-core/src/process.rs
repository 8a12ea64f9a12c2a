//! `Process`: a task's progress, an exact fixed-point percentage.

use std::fmt;
use std::str::FromStr;

/// A task's progress as sent in `Process` (`"100%"`, `"99.37%"`, `"0%"`), held exactly in
/// hundredths of a percent (basis points): `0..=10_000`.
///
/// Parsing accepts an integer part of 0 to 100 and at most two decimal places, followed by `%`.
/// (API.md only shows up to two decimals; more would not be exact, so it is rejected rather than
/// rounded.) Rendering drops trailing zeros: `99.50%` renders as `99.5%`, `100.00%` as `100%`.
///
/// ```
/// use cdn_task_core::Process;
/// let p: Process = "99.37%".parse().unwrap();
/// assert_eq!(p.basis_points(), 9937);
/// assert_eq!(p.to_string(), "99.37%");
/// assert!(Process::COMPLETE.is_complete());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Process(u16);

/// Why a text is not a `Process` percentage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProcessError {
    /// The text does not end with `%`.
    #[error("process `{0}` does not end with `%`")]
    MissingPercentSign(String),
    /// The number part is not digits with an optional `.` and one or two decimals.
    #[error("process `{0}` is not a percentage like `99.37%`")]
    NotANumber(String),
    /// More than two decimal places.
    #[error("process `{0}` has more than two decimal places")]
    TooPrecise(String),
    /// Above 100%.
    #[error("process `{0}` is above 100%")]
    OverHundred(String),
}

impl Process {
    /// 0%.
    pub const ZERO: Process = Process(0);
    /// 100%.
    pub const COMPLETE: Process = Process(10_000);

    /// From hundredths of a percent; `None` above 10,000 (100%).
    pub const fn from_basis_points(basis_points: u16) -> Option<Process> {
        if basis_points <= 10_000 {
            Some(Process(basis_points))
        } else {
            None
        }
    }

    /// Hundredths of a percent, `0..=10_000`.
    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// Whether this is 100%.
    pub const fn is_complete(self) -> bool {
        self.0 == 10_000
    }

    /// The percentage as a float, for display or progress bars (`99.37`).
    pub fn as_percent_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl FromStr for Process {
    type Err = ProcessError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let shown = || crate::task_id::quote(text);
        let number = text
            .strip_suffix('%')
            .ok_or_else(|| ProcessError::MissingPercentSign(shown()))?;
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || number.ends_with('.') {
            return Err(ProcessError::NotANumber(shown()));
        }
        if fraction.len() > 2 {
            return Err(ProcessError::TooPrecise(shown()));
        }
        // Leading zeros are allowed; anything longer than "100" after them is over 100 anyway.
        let whole = whole.trim_start_matches('0');
        if whole.len() > 3 {
            return Err(ProcessError::OverHundred(shown()));
        }
        let whole: u16 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| ProcessError::NotANumber(shown()))?
        };
        let mut hundredths: u16 = 0;
        for (place, digit) in fraction.bytes().enumerate() {
            let weight = if place == 0 { 10 } else { 1 };
            hundredths += u16::from(digit - b'0') * weight;
        }
        let total = u32::from(whole) * 100 + u32::from(hundredths);
        if total > 10_000 {
            return Err(ProcessError::OverHundred(shown()));
        }
        Ok(Process(total as u16))
    }
}

impl Process {
    /// The rendering, as ASCII in a small buffer: the whole percent, then `.` and one or two
    /// decimals when there are any, then `%`. Built by hand, in one piece, for the encoders: serde_json's
    /// `collect_str` escapes each piece a `Display` writes separately.
    fn render(self) -> ([u8; 8], usize) {
        let (whole, hundredths) = (self.0 / 100, self.0 % 100);
        let mut text = [0u8; 8];
        let mut len = 0;
        let mut push = |byte: u8| {
            text[len] = byte;
            len += 1;
        };
        let digit = |value: u16| b'0' + (value % 10) as u8;
        if whole >= 100 {
            push(digit(whole / 100));
        }
        if whole >= 10 {
            push(digit(whole / 10));
        }
        push(digit(whole));
        if hundredths != 0 {
            push(b'.');
            push(digit(hundredths / 10));
            if hundredths % 10 != 0 {
                push(digit(hundredths));
            }
        }
        push(b'%');
        (text, len)
    }
}

impl fmt::Display for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, len) = self.render();
        f.write_str(std::str::from_utf8(&text[..len]).map_err(|_| fmt::Error)?)
    }
}

impl serde::Serialize for Process {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (text, len) = self.render();
        match std::str::from_utf8(&text[..len]) {
            Ok(text) => serializer.serialize_str(text),
            // Only ASCII is ever rendered; this arm is not reached.
            Err(_) => serializer.collect_str(self),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Process {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::wire_str::deserialize_parsed(deserializer, "a percentage like \"99.37%\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<u16, ProcessError> {
        text.parse::<Process>().map(Process::basis_points)
    }

    #[test]
    fn parses_documented_values() {
        assert_eq!(p("100%"), Ok(10_000));
        assert_eq!(p("99.37%"), Ok(9937));
        assert_eq!(p("0%"), Ok(0));
        assert_eq!(p("5.5%"), Ok(550));
        assert_eq!(p("05.05%"), Ok(505));
        assert_eq!(p("100.00%"), Ok(10_000));
    }

    #[test]
    fn only_a_hundred_percent_is_complete() {
        assert!(Process::COMPLETE.is_complete());
        for not_yet in ["0%", "0.01%", "50%", "99.99%"] {
            assert!(!not_yet.parse::<Process>().unwrap().is_complete(), "{not_yet}");
        }
        assert!(!Process::ZERO.is_complete());
    }

    #[test]
    fn the_float_is_the_percentage() {
        let cases = [
            ("0%", 0.0),
            ("0.01%", 0.01),
            ("1%", 1.0),
            ("99.37%", 99.37),
            ("100%", 100.0),
        ];
        for (text, percent) in cases {
            let process: Process = text.parse().unwrap();
            assert!(
                (process.as_percent_f64() - percent).abs() < 1e-9,
                "{text}: {}",
                process.as_percent_f64()
            );
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        assert!(matches!(p("100"), Err(ProcessError::MissingPercentSign(_))));
        assert!(matches!(p("%"), Err(ProcessError::NotANumber(_))));
        assert!(matches!(p(".5%"), Err(ProcessError::NotANumber(_))));
        assert!(matches!(p("5.%"), Err(ProcessError::NotANumber(_))));
        assert!(matches!(p("-1%"), Err(ProcessError::NotANumber(_))));
        assert!(matches!(p("1.2.3%"), Err(ProcessError::NotANumber(_))));
        assert!(matches!(p("99.375%"), Err(ProcessError::TooPrecise(_))));
        assert!(matches!(p("100.01%"), Err(ProcessError::OverHundred(_))));
        assert!(matches!(p("99999999999999%"), Err(ProcessError::OverHundred(_))));
        assert!(matches!(p("٣%"), Err(ProcessError::NotANumber(_))));
    }

    #[test]
    fn renders_minimal_form() {
        for (bp, text) in [
            (0, "0%"),
            (10_000, "100%"),
            (9937, "99.37%"),
            (950, "9.5%"),
            (905, "9.05%"),
        ] {
            assert_eq!(Process::from_basis_points(bp).unwrap().to_string(), text);
        }
        assert_eq!(Process::from_basis_points(10_001), None);
    }

    #[test]
    fn renders_as_the_format_strings_do() {
        for bp in 0..=u16::MAX {
            let (whole, h) = (bp / 100, bp % 100);
            let expected = match h {
                0 => format!("{whole}%"),
                h if h % 10 == 0 => format!("{whole}.{}%", h / 10),
                h => format!("{whole}.{h:02}%"),
            };
            assert_eq!(Process(bp).to_string(), expected);
        }
    }

    #[test]
    fn every_value_round_trips() {
        for bp in 0..=10_000u16 {
            let process = Process::from_basis_points(bp).unwrap();
            assert_eq!(process.to_string().parse::<Process>(), Ok(process));
        }
    }
}
