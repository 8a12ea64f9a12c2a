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
