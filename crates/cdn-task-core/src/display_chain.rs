//! Showing an error with its causes, for every crate's messages.

use std::fmt;

/// Shows an error and its causes (its [`source`](std::error::Error::source) chain) on one line,
/// joined by `: `, like anyhow's `{:#}`. A cause whose text the line already holds is not
/// repeated (some libraries' errors print their cause themselves).
///
/// ```
/// use cdn_task_core::{DisplayChain, TaskIdList};
/// let error = "12,x".parse::<TaskIdList>().unwrap_err();
/// assert_eq!(
///     DisplayChain(&error).to_string(),
///     "the task ID list has a malformed ID at position 2: task ID `x` has a non-digit 'x' at character 0"
/// );
/// ```
#[derive(Clone, Copy)]
pub struct DisplayChain<'a>(pub &'a (dyn std::error::Error + 'a));

impl fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(error) = cause {
            let text = error.to_string();
            if !text.is_empty() && !shown.contains(&text) {
                shown.push_str(": ");
                shown.push_str(&text);
            }
            cause = error.source();
        }
        f.write_str(&shown)
    }
}

impl fmt::Debug for DisplayChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::DisplayChain;

    /// An error with a fixed text and an optional cause.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|cause| cause as _)
        }
    }

    fn chain(texts: &[&'static str]) -> Layer {
        let (last, outer) = texts.split_last().expect("one layer at least");
        outer.iter().rev().fold(Layer(last, None), |cause, text| {
            Layer(text, Some(Box::new(cause)))
        })
    }

    #[test]
    fn causes_are_joined_and_neither_repeated_nor_empty() {
        let cases: [(&[&'static str], &str); 4] = [
            (&["alone"], "alone"),
            (&["outer", "middle", "inner"], "outer: middle: inner"),
            (
                &["reading failed: disk gone", "disk gone"],
                "reading failed: disk gone",
            ),
            (&["outer", "", "inner"], "outer: inner"),
        ];
        for (texts, shown) in cases {
            let error = chain(texts);
            assert_eq!(DisplayChain(&error).to_string(), shown);
            assert_eq!(
                format!("{:?}", DisplayChain(&error)),
                shown,
                "Debug shows the same line"
            );
        }
    }
}
