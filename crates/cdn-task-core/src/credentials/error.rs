//! The errors of the credential parsers: where, and what, never a value.

use std::fmt;

/// What is wrong with one field. Never holds the field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldProblem {
    /// Absent.
    Missing,
    /// Present but empty.
    Empty,
    /// Not a string.
    NotAString,
    /// Not a whole number (of seconds).
    NotANumber,
    /// Not `true` or `false`.
    NotABoolean,
    /// Not a UTC time `YYYY-MM-DDThh:mm:ssZ`.
    NotATime,
    /// Present, but a value this field does not take.
    Unexpected,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldProblem::Missing => "is missing",
            FieldProblem::Empty => "is empty",
            FieldProblem::NotAString => "is not a string",
            FieldProblem::NotANumber => "is not a whole number",
            FieldProblem::NotABoolean => "is not true or false",
            FieldProblem::NotATime => "is not a UTC time like 2026-11-30T12:00:00Z",
            FieldProblem::Unexpected => "has a value it does not take",
        })
    }
}

/// Why `~/.aliyun/config.json` or one of its profiles cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// Not JSON.
    #[error("not valid JSON (line {line}, column {column})")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A part of the document has the wrong shape (`.`: the document; `profiles`; `profiles[2]`).
    #[error("`{path}` is not a JSON {expected}")]
    Shape {
        /// Where.
        path: String,
        /// What it should be (`object`, `array`).
        expected: &'static str,
    },
    /// No profile has this name.
    #[error("no profile named `{name}`")]
    NoSuchProfile {
        /// The name asked for.
        name: String,
    },
    /// Two profiles share a name.
    #[error("two profiles are named `{name}`")]
    DuplicateProfile {
        /// The name.
        name: String,
    },
    /// A field of a profile is unusable.
    #[error("profile `{profile}`: `{field}` {problem}")]
    Field {
        /// The profile.
        profile: String,
        /// The field's JSON name.
        field: &'static str,
        /// What is wrong.
        problem: FieldProblem,
    },
    /// The profile's mode is one this library does not support.
    #[error(
        "profile `{profile}`: mode `{mode}` is not supported (supported: AK, StsToken, RamRoleArn, \
             EcsRamRole, ChainableRamRoleArn, OIDC, CredentialsURI, External)"
    )]
    UnsupportedMode {
        /// The profile.
        profile: String,
        /// Its mode.
        mode: String,
    },
}

/// Why the ini credentials file or one of its sections cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IniError {
    /// A line that is neither a section header, a `key = value` pair, a comment nor blank.
    #[error("line {line}: {detail}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// What the line should have been.
        detail: &'static str,
    },
    /// A section header repeats an earlier one.
    #[error("line {line}: section `[{name}]` appears twice")]
    DuplicateSection {
        /// 1-based line of the second header.
        line: usize,
        /// The section.
        name: String,
    },
    /// A key repeats within a section.
    #[error("line {line}: key `{key}` appears twice in its section")]
    DuplicateKey {
        /// 1-based line of the second one.
        line: usize,
        /// The key.
        key: String,
    },
    /// No section has this name.
    #[error("no section `[{name}]`")]
    NoSuchSection {
        /// The name asked for.
        name: String,
    },
    /// A key of a section is unusable.
    #[error("section `[{section}]` (line {line}): `{field}` {problem}")]
    Field {
        /// The section.
        section: String,
        /// 1-based line of the key, or of the section header when the key is missing.
        line: usize,
        /// The key.
        field: &'static str,
        /// What is wrong.
        problem: FieldProblem,
    },
    /// The section's `type` is not one this library supports.
    #[error(
        "section `[{section}]` (line {line}): type `{kind}` is not supported (supported: access_key, \
             ecs_ram_role, ram_role_arn, oidc_role_arn)"
    )]
    UnsupportedType {
        /// The section.
        section: String,
        /// 1-based line of the `type` key.
        line: usize,
        /// The type.
        kind: String,
    },
}

/// Why a credential document (metadata service, credentials URI, credential process) cannot be
/// used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// Not JSON, or not a JSON object.
    #[error("not a JSON object (line {line}, column {column})")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A field is unusable.
    #[error("`{field}` {problem}")]
    Field {
        /// The field's JSON name.
        field: &'static str,
        /// What is wrong.
        problem: FieldProblem,
    },
    /// `Code` is not `Success`.
    #[error("`Code` is `{code}`, not `Success`")]
    NotSuccess {
        /// The code sent (shortened if long).
        code: String,
    },
}
