//! Shared plumbing: serde (de)serialization of types that live on the wire as strings.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// Deserializes a string (borrowed when the format allows, so without allocating) and parses it
/// with `T::from_str`, turning a parse failure into a serde error that carries its message.
pub(crate) fn deserialize_parsed<'de, T, D>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
where
    T: FromStr,
    T::Err: fmt::Display,
    D: serde::Deserializer<'de>,
{
    struct ParsedVisitor<T> {
        expecting: &'static str,
        target: PhantomData<T>,
    }

    impl<T> serde::de::Visitor<'_> for ParsedVisitor<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            text.parse().map_err(E::custom)
        }
    }

    deserializer.deserialize_str(ParsedVisitor {
        expecting,
        target: PhantomData,
    })
}

/// Declares a vocabulary of wire strings as an enum with an `Unknown(UnknownValue<Self>)` arm that
/// keeps values the service adds later (only parsing makes one, for no known spelling). Extra
/// spellings map to a variant on decode; the first spelling is the one encoded. Parsing never fails.
macro_rules! wire_vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version does not know, kept as sent (made only by parsing).
            Unknown($crate::UnknownValue<$name>),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(match text {
                    $( $wire $(| $alias)* => Self::$variant, )+
                    other => Self::Unknown($crate::UnknownValue::new(other)),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::wire_str::deserialize_parsed(deserializer, concat!("a ", stringify!($name), " string"))
            }
        }
    };
}

pub(crate) use wire_vocabulary;

#[cfg(test)]
mod tests {
    use crate::{Process, TaskId};

    #[test]
    fn a_value_that_is_no_string_is_refused_with_what_was_expected() {
        let error = serde_json::from_str::<TaskId>("12").unwrap_err().to_string();
        assert!(
            error.contains("expected a task ID (1 to 20 ASCII digits)"),
            "{error}"
        );
        let error = serde_json::from_str::<Process>("true").unwrap_err().to_string();
        assert!(
            error.contains(r#"expected a percentage like "99.37%""#),
            "{error}"
        );
        let error = serde_json::from_str::<TaskId>(r#""1x""#).unwrap_err().to_string();
        assert!(
            error.contains("non-digit 'x'"),
            "a parse failure carries its message: {error}"
        );
    }
}
