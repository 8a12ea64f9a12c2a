//! Task IDs and the comma-separated list of 1 to 10 of them that `DescribeRefreshTaskById` takes.

use std::fmt;
use std::str::FromStr;

/// Most digits a task ID may have.
pub const MAX_TASK_ID_DIGITS: usize = 20;

/// Most IDs one `DescribeRefreshTaskById` call accepts.
pub const MAX_IDS_PER_CALL: usize = 10;

/// Longest excerpt of offending input an error message quotes.
const MAX_QUOTED_CHARS: usize = 32;

/// A task ID: 1 to 20 ASCII digits, kept exactly as written (leading zeros included).
///
/// Stored inline, so it is `Copy` and decoding one never allocates.
///
/// ```
/// use cdn_task_core::TaskId;
/// let id: TaskId = "12345678".parse().unwrap();
/// assert_eq!(id.as_str(), "12345678");
/// assert!("12a".parse::<TaskId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId {
    len: u8,
    digits: [u8; MAX_TASK_ID_DIGITS],
}

/// Why a text is not a task ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskIdError {
    /// The text is empty.
    #[error("task ID is empty")]
    Empty,
    /// The text has more than [`MAX_TASK_ID_DIGITS`] characters.
    #[error("task ID `{text}` is too long: {len} characters, at most {MAX_TASK_ID_DIGITS} digits")]
    TooLong {
        /// The offending text, shortened if huge.
        text: String,
        /// Its length in bytes.
        len: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("task ID `{text}` has a non-digit {found:?} at character {index}")]
    NotADigit {
        /// The offending text, shortened if huge.
        text: String,
        /// The first character that is not a digit.
        found: char,
        /// Its index (0-based, in characters).
        index: usize,
    },
}

impl TaskId {
    /// The ID as the digits it was written with.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored, so this never falls back.
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl FromStr for TaskId {
    type Err = TaskIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(TaskIdError::Empty);
        }
        // Bytes first (the decode hot path); characters only to report where the first non-digit is.
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            if let Some((index, found)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
                return Err(TaskIdError::NotADigit {
                    text: quote(text),
                    found,
                    index,
                });
            }
        }
        if text.len() > MAX_TASK_ID_DIGITS {
            return Err(TaskIdError::TooLong {
                text: quote(text),
                len: text.len(),
            });
        }
        let mut digits = [0u8; MAX_TASK_ID_DIGITS];
        digits[..text.len()].copy_from_slice(text.as_bytes());
        Ok(TaskId {
            // At most MAX_TASK_ID_DIGITS (20), checked above.
            len: text.len() as u8,
            digits,
        })
    }
}

impl TryFrom<&str> for TaskId {
    type Error = TaskIdError;
    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<u64> for TaskId {
    type Error = TaskIdError;
    fn try_from(number: u64) -> Result<Self, Self::Error> {
        number.to_string().parse()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({})", self.as_str())
    }
}

impl serde::Serialize for TaskId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for TaskId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::wire_str::deserialize_parsed(deserializer, "a task ID (1 to 20 ASCII digits)")
    }
}

/// Why a text is not a valid list of task IDs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskIdListError {
    /// No ID at all.
    #[error("the task ID list is empty: give 1 to {MAX_IDS_PER_CALL} IDs separated by commas")]
    Empty,
    /// An element between two commas (or before the first, or after the last) is empty.
    #[error("the task ID list has an empty element at position {position}")]
    EmptyElement {
        /// 1-based position of the element in the list.
        position: usize,
    },
    /// An element is not a task ID.
    #[error("the task ID list has a malformed ID at position {position}")]
    Malformed {
        /// 1-based position of the element in the list.
        position: usize,
        /// What is wrong with it.
        source: TaskIdError,
    },
    /// More distinct IDs than one call accepts.
    #[error("the task ID list has {count} IDs; one call takes at most {MAX_IDS_PER_CALL}")]
    TooMany {
        /// How many distinct IDs were given.
        count: usize,
    },
}

/// One to ten distinct task IDs: the `TaskId` parameter of one `DescribeRefreshTaskById` call.
///
/// Parsed from the comma-separated wire form (`"12345678,23456789"`), tolerating ASCII spaces around
/// each ID, and rendered back in the canonical form (no spaces).
///
/// Duplicates are dropped, keeping the first occurrence, so an ID is never sent twice; the limit of
/// ten counts distinct IDs. (API.md leaves duplicates open; dropping is what a caller merging lists
/// wants, and the service answers each task once anyway.)
///
/// ```
/// use cdn_task_core::TaskIdList;
/// let ids: TaskIdList = " 12345678, 23456789 ,12345678".parse().unwrap();
/// assert_eq!(ids.to_string(), "12345678,23456789");
/// assert_eq!(ids.len(), 2);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TaskIdList {
    ids: Vec<TaskId>,
}

impl TaskIdList {
    /// Builds a list from IDs, dropping duplicates (first occurrence kept).
    pub fn new(ids: impl IntoIterator<Item = TaskId>) -> Result<Self, TaskIdListError> {
        let mut distinct: Vec<TaskId> = Vec::new();
        for id in ids {
            if !distinct.contains(&id) {
                if distinct.len() == MAX_IDS_PER_CALL {
                    return Err(TaskIdListError::TooMany {
                        count: MAX_IDS_PER_CALL + 1,
                    });
                }
                distinct.push(id);
            }
        }
        if distinct.is_empty() {
            return Err(TaskIdListError::Empty);
        }
        Ok(TaskIdList { ids: distinct })
    }

    /// The IDs, in the order given.
    pub fn ids(&self) -> &[TaskId] {
        &self.ids
    }

    /// How many distinct IDs (1 to 10).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Always false: a list holds at least one ID. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether the list holds `id`.
    pub fn contains(&self, id: &TaskId) -> bool {
        self.ids.contains(id)
    }

    /// Splits any number of IDs into lists of at most ten, in order, duplicates dropped across all.
    ///
    /// ```
    /// use cdn_task_core::{TaskId, TaskIdList};
    /// let ids: Vec<TaskId> = (1..=25u64).map(|n| TaskId::try_from(n).unwrap()).collect();
    /// let batches = TaskIdList::batches(ids);
    /// assert_eq!(batches.iter().map(TaskIdList::len).collect::<Vec<_>>(), [10, 10, 5]);
    /// ```
    pub fn batches(ids: impl IntoIterator<Item = TaskId>) -> Vec<TaskIdList> {
        let mut seen = std::collections::HashSet::new();
        let distinct: Vec<TaskId> = ids.into_iter().filter(|id| seen.insert(*id)).collect();
        distinct
            .chunks(MAX_IDS_PER_CALL)
            .map(|chunk| TaskIdList { ids: chunk.to_vec() })
            .collect()
    }
}

impl FromStr for TaskIdList {
    type Err = TaskIdListError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim_matches(' ').is_empty() {
            return Err(TaskIdListError::Empty);
        }
        let mut distinct: Vec<TaskId> = Vec::new();
        let mut over_limit = 0usize;
        for (index, element) in text.split(',').enumerate() {
            let position = index + 1;
            let element = element.trim_matches(' ');
            if element.is_empty() {
                return Err(TaskIdListError::EmptyElement { position });
            }
            let id: TaskId = element
                .parse()
                .map_err(|source| TaskIdListError::Malformed { position, source })?;
            if distinct.contains(&id) {
                continue;
            }
            if distinct.len() == MAX_IDS_PER_CALL {
                // Keep validating the rest so a malformed element is still reported by position,
                // and count every distinct ID for the message.
                over_limit += 1;
            } else {
                distinct.push(id);
            }
        }
        if over_limit > 0 {
            // Distinct overflow IDs are not stored, so a repeated overflow ID counts more than once;
            // the count is exact whenever the overflow holds no duplicates.
            return Err(TaskIdListError::TooMany {
                count: MAX_IDS_PER_CALL + over_limit,
            });
        }
        Ok(TaskIdList { ids: distinct })
    }
}

impl TryFrom<&str> for TaskIdList {
    type Error = TaskIdListError;
    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl fmt::Display for TaskIdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, id) in self.ids.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            f.write_str(id.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Debug for TaskIdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskIdList({self})")
    }
}

impl<'a> IntoIterator for &'a TaskIdList {
    type Item = &'a TaskId;
    type IntoIter = std::slice::Iter<'a, TaskId>;
    fn into_iter(self) -> Self::IntoIter {
        self.ids.iter()
    }
}

/// Shortens `text` for quoting in an error message.
pub(crate) fn quote(text: &str) -> String {
    shorten(text, MAX_QUOTED_CHARS)
}

/// `text` cut to at most `max_chars` characters, with `…` when cut.
pub(crate) fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> TaskId {
        text.parse().unwrap()
    }

    #[test]
    fn a_list_answers_for_what_it_holds() {
        let list: TaskIdList = "7,012,9".parse().unwrap();
        assert!(!list.is_empty());
        assert!(list.contains(&id("012")));
        assert!(!list.contains(&id("12")), "leading zeros make another ID");
        let walked: Vec<&str> = (&list).into_iter().map(TaskId::as_str).collect();
        assert_eq!(walked, ["7", "012", "9"]);
        assert_eq!(format!("{list:?}"), "TaskIdList(7,012,9)");
        assert_eq!(format!("{:?}", id("012")), "TaskId(012)");
    }

    #[test]
    fn task_id_keeps_leading_zeros_and_max_length() {
        assert_eq!(id("007").as_str(), "007");
        assert_eq!(id("12345678901234567890").as_str(), "12345678901234567890");
        assert_eq!(TaskId::try_from(42u64).unwrap(), id("42"));
    }

    #[test]
    fn task_id_rejections_say_what_and_where() {
        assert_eq!("".parse::<TaskId>(), Err(TaskIdError::Empty));
        assert_eq!(
            "12x4".parse::<TaskId>(),
            Err(TaskIdError::NotADigit {
                text: "12x4".into(),
                found: 'x',
                index: 2
            })
        );
        assert_eq!(
            "123456789012345678901".parse::<TaskId>(),
            Err(TaskIdError::TooLong {
                text: "123456789012345678901".into(),
                len: 21
            })
        );
        // Non-ASCII digits are not digits.
        assert!(matches!(
            "١٢".parse::<TaskId>(),
            Err(TaskIdError::NotADigit { index: 0, .. })
        ));
    }

    #[test]
    fn huge_text_is_shortened_in_errors() {
        let huge = "9".repeat(10_000);
        let TaskIdError::TooLong { text, len } = huge.parse::<TaskId>().unwrap_err() else {
            panic!("expected TooLong");
        };
        assert_eq!(len, 10_000);
        assert_eq!(text.chars().count(), MAX_QUOTED_CHARS + 1);
    }

    #[test]
    fn list_parses_trims_and_renders_canonically() {
        let list: TaskIdList = " 1 ,2,  3".parse().unwrap();
        assert_eq!(list.to_string(), "1,2,3");
        assert_eq!(list.ids(), [id("1"), id("2"), id("3")]);
    }

    #[test]
    fn list_drops_duplicates_keeping_first() {
        let list: TaskIdList = "3,1,3,2,1".parse().unwrap();
        assert_eq!(list.to_string(), "3,1,2");
        // Eleven entries, ten distinct: accepted.
        let text = "1,2,3,4,5,6,7,8,9,10,1";
        assert_eq!(text.parse::<TaskIdList>().unwrap().len(), 10);
    }

    #[test]
    fn list_errors_name_position_and_count() {
        assert_eq!("".parse::<TaskIdList>(), Err(TaskIdListError::Empty));
        assert_eq!("  ".parse::<TaskIdList>(), Err(TaskIdListError::Empty));
        assert_eq!(
            "1,,2".parse::<TaskIdList>(),
            Err(TaskIdListError::EmptyElement { position: 2 })
        );
        assert_eq!(
            "1,2,".parse::<TaskIdList>(),
            Err(TaskIdListError::EmptyElement { position: 3 })
        );
        assert!(matches!(
            "1,abc".parse::<TaskIdList>(),
            Err(TaskIdListError::Malformed { position: 2, .. })
        ));
        let eleven = (1..=11).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(
            eleven.parse::<TaskIdList>(),
            Err(TaskIdListError::TooMany { count: 11 })
        );
        // A malformed element past the limit is still reported by position.
        let bad_tail = format!("{eleven},x");
        assert!(matches!(
            bad_tail.parse::<TaskIdList>(),
            Err(TaskIdListError::Malformed { position: 12, .. })
        ));
    }

    #[test]
    fn new_enforces_limits() {
        assert_eq!(TaskIdList::new([]), Err(TaskIdListError::Empty));
        let ids = (1..=11u64).map(|n| TaskId::try_from(n).unwrap());
        assert!(matches!(
            TaskIdList::new(ids),
            Err(TaskIdListError::TooMany { .. })
        ));
        let twice = [id("5"), id("5")];
        assert_eq!(TaskIdList::new(twice).unwrap().len(), 1);
    }

    #[test]
    fn batches_dedupe_across_all_and_keep_order() {
        let ids = [id("1"), id("2"), id("1"), id("3")];
        let batches = TaskIdList::batches(ids);
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].to_string(), "1,2,3");
        assert!(TaskIdList::batches([]).is_empty());
    }
}
