//! Values of the service's vocabularies that this version does not know.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// A value of one of the service's vocabularies (`T`: [`TaskStatus`](crate::TaskStatus),
/// [`ObjectType`](crate::ObjectType), [`FailureReason`](crate::FailureReason),
/// [`ErrorCode`](crate::ErrorCode)) that this version does not know, kept exactly as sent.
///
/// Opaque on purpose: only decoding and parsing (`FromStr`) make one, and they give the named
/// variant for every known spelling, so an `Unknown` never stands for a known value; when a later
/// version names a value, code that matched its `Unknown` text needs the new variant, but no
/// comparison or rule (such as [`TaskStatus::is_terminal`](crate::TaskStatus::is_terminal))
/// silently changes meaning. Read the text with [`as_str`](Self::as_str).
///
/// ```
/// use cdn_task_core::TaskStatus;
/// let status: TaskStatus = "Queued".parse()?;
/// let TaskStatus::Unknown(value) = &status else { unreachable!() };
/// assert_eq!(value.as_str(), "Queued");
/// assert_eq!(status.as_str(), "Queued");
/// assert!(!status.is_terminal());
/// assert_eq!("Complete".parse::<TaskStatus>()?, TaskStatus::Complete);
/// # Ok::<(), std::convert::Infallible>(())
/// ```
///
/// Code outside the crate cannot make one, so it cannot build an `Unknown` that hides a known
/// value:
///
/// ```compile_fail
/// use cdn_task_core::{TaskStatus, UnknownValue};
/// let status = TaskStatus::Unknown(UnknownValue::new("Complete"));
/// ```
pub struct UnknownValue<T> {
    text: String,
    of: PhantomData<fn() -> T>,
}

impl<T> UnknownValue<T> {
    /// Keeps `text`; the caller has checked it is no known spelling of `T`.
    pub(crate) fn new(text: &str) -> UnknownValue<T> {
        UnknownValue {
            text: text.to_owned(),
            of: PhantomData,
        }
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<T> fmt::Debug for UnknownValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnknownValue").field(&self.text).finish()
    }
}

impl<T> fmt::Display for UnknownValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<T> Clone for UnknownValue<T> {
    fn clone(&self) -> Self {
        UnknownValue {
            text: self.text.clone(),
            of: PhantomData,
        }
    }
}

impl<T> PartialEq for UnknownValue<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T> Eq for UnknownValue<T> {}

impl<T> Hash for UnknownValue<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use crate::{ErrorCode, FailureReason, ObjectType, TaskStatus};
    use std::fmt::Debug;
    use std::str::FromStr;

    /// Every known spelling parses to a named variant that writes the first spelling; any other
    /// text parses to `Unknown` with the text kept, through `FromStr` and through serde.
    fn check<T>(known: &[(&str, T)], is_unknown: impl Fn(&T) -> bool, as_str: impl Fn(&T) -> &str)
    where
        T: FromStr<Err = std::convert::Infallible>
            + PartialEq
            + Debug
            + serde::Serialize
            + serde::de::DeserializeOwned,
    {
        for (spelling, variant) in known {
            let parsed: T = spelling.parse().unwrap();
            assert_eq!(&parsed, variant, "{spelling}");
            assert!(!is_unknown(&parsed), "{spelling}");
            let json: T = serde_json::from_str(&serde_json::to_string(spelling).unwrap()).unwrap();
            assert_eq!(&json, variant, "{spelling}");
        }
        for text in [
            "Queued",
            "complete ",
            "",
            "Ünïcode \"quoted\" <x>&amp;",
            "Internal  Error",
        ] {
            let parsed: T = text.parse().unwrap();
            assert!(is_unknown(&parsed), "{text:?}");
            assert_eq!(as_str(&parsed), text);
            let json = serde_json::to_string(&parsed).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            let back: T = serde_json::from_str(&json).unwrap();
            assert_eq!(back, parsed);
            assert_eq!(as_str(&back), text);
        }
    }

    #[test]
    fn known_spellings_are_named_and_unknown_text_is_kept_exactly() {
        check(
            &[
                ("Complete", TaskStatus::Complete),
                ("Pending", TaskStatus::Pending),
                ("Refreshing", TaskStatus::Refreshing),
                ("Failed", TaskStatus::Failed),
            ],
            |v| matches!(v, TaskStatus::Unknown(_)),
            TaskStatus::as_str,
        );
        check(
            &[
                ("file", ObjectType::File),
                ("directory", ObjectType::Directory),
                ("preload", ObjectType::Preload),
                ("regex", ObjectType::Regex),
            ],
            |v| matches!(v, ObjectType::Unknown(_)),
            ObjectType::as_str,
        );
        check(
            &[
                ("Internal Error", FailureReason::InternalError),
                ("InternalError", FailureReason::InternalError),
                ("Origin Timeout", FailureReason::OriginTimeout),
                ("OriginTimeout", FailureReason::OriginTimeout),
                (
                    "Origin Return StatusCode 5XX",
                    FailureReason::OriginReturnStatusCode5xx,
                ),
            ],
            |v| matches!(v, FailureReason::Unknown(_)),
            FailureReason::as_str,
        );
    }

    #[test]
    fn every_known_error_code_parses_to_its_variant() {
        for code in ErrorCode::KNOWN {
            let parsed: ErrorCode = code.as_str().parse().unwrap();
            assert_eq!(&parsed, code);
            assert!(!matches!(parsed, ErrorCode::Unknown(_)));
        }
        let odd: ErrorCode = "Throttling.Burst".parse().unwrap();
        assert!(matches!(&odd, ErrorCode::Unknown(value) if value.as_str() == "Throttling.Burst"));
        assert_eq!(odd.http_status(), None);
    }

    #[test]
    fn unknown_values_compare_and_show_their_text() {
        let queued: TaskStatus = "Queued".parse().unwrap();
        let paused: TaskStatus = "Paused".parse().unwrap();
        let (TaskStatus::Unknown(queued), TaskStatus::Unknown(paused)) = (queued, paused) else {
            panic!("both are unknown")
        };
        assert_ne!(queued, paused);
        assert_eq!(queued, queued.clone());
        assert_eq!(queued.to_string(), "Queued");
        assert_eq!(format!("{queued:?}"), r#"UnknownValue("Queued")"#);
        // The hash follows the text (with std's fixed-key hasher, so this is deterministic).
        let hash = |value: &crate::UnknownValue<TaskStatus>| {
            let mut hasher = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(value, &mut hasher);
            std::hash::Hasher::finish(&hasher)
        };
        assert_eq!(hash(&queued), hash(&queued.clone()));
        assert_ne!(hash(&queued), hash(&paused));
    }

    #[test]
    fn an_unknown_status_is_never_equal_to_a_known_one() {
        let complete: TaskStatus = "Complete".parse().unwrap();
        assert!(complete.is_terminal());
        let other: TaskStatus = "COMPLETE".parse().unwrap();
        assert_ne!(other, TaskStatus::Complete);
        assert!(!other.is_terminal());
    }
}
