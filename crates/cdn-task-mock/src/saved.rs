//! The whole state of a mock as one JSON document (`GET`/`POST /_mock/state`, `--state FILE`),
//! and writing it to a file atomically.
//!
//! The state is what requests changed: the tasks (added and created, with how created ones
//! end), the next task ID, the quotas used, the fault rules with what is left of their counts,
//! and the clock. It is not the configuration (keys, task duration, rates: the flags say those)
//! nor the call log or the nonces (a record of traffic, and replay protection that runs on real
//! time; a restarted mock starts both afresh).

use crate::fault::FaultRule;
use crate::progress::Fate;
use crate::quota::QuotaBook;
use crate::store::{Held, TaskStore};
use crate::wire::{FaultRuleWire, time};
use cdn_task_core::{FailureReason, Task, TaskStatus};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The version of the state document's shape (`StateFormat`).
const STATE_FORMAT: u32 = 1;

/// Why a state could not be read, written or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The state file could not be read.
    #[error("cannot read state file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The state file could not be written (the previous one, if any, is intact).
    #[error("cannot write state file {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The document is not a state this version can use.
    #[error("invalid state document: {detail}")]
    Invalid {
        /// What is wrong, and where.
        detail: String,
    },
    /// No state file is configured.
    #[error("no state file is configured (start the mock with --state FILE)")]
    NoStateFile,
}

/// A mock's whole state at one moment. [`MockServer::state`](crate::MockServer::state) takes
/// one, [`MockServer::restore_state`](crate::MockServer::restore_state) puts one back; as JSON
/// it is what `GET /_mock/state` answers and `--state FILE` holds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MockState {
    now: DateTime<Utc>,
    saved_at: DateTime<Utc>,
    next_task_id: u64,
    tasks: Vec<Held>,
    quotas: Vec<(String, NaiveDate, [u64; 5])>,
    faults: Vec<FaultRule>,
}

impl MockState {
    pub(crate) fn capture(
        now: DateTime<Utc>,
        saved_at: DateTime<Utc>,
        tasks: &TaskStore,
        quotas: &QuotaBook,
        faults: &[FaultRule],
    ) -> MockState {
        MockState {
            now,
            saved_at,
            next_task_id: tasks.next_id(),
            tasks: tasks.entries(now),
            quotas: quotas.entries(),
            faults: faults.to_vec(),
        }
    }

    /// The mock's time when it was taken.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// How far the mock's clock was from the time requests are judged by.
    pub(crate) fn offset(&self) -> TimeDelta {
        self.now - self.saved_at
    }

    /// A task store with these tasks.
    pub(crate) fn task_store(&self, duration: TimeDelta) -> TaskStore {
        TaskStore::restore(duration, self.tasks.clone(), self.next_task_id)
    }

    /// Puts this usage into `book` in place of its own (its daily allowances stay).
    pub(crate) fn restore_quotas(&self, book: &mut QuotaBook) {
        book.clear_usage();
        for (key, day, used) in &self.quotas {
            book.insert(key.clone(), *day, *used);
        }
    }

    pub(crate) fn fault_rules(&self) -> Vec<FaultRule> {
        self.faults.clone()
    }

    /// The state as a JSON document.
    pub fn to_json(&self) -> String {
        let document = Document {
            state_format: STATE_FORMAT,
            now: self.now,
            saved_at: self.saved_at,
            next_task_id: self.next_task_id,
            tasks: self.tasks.iter().map(SavedTask::from_held).collect(),
            quotas: self
                .quotas
                .iter()
                .map(|(key, day, used)| SavedQuota {
                    access_key_id: key.clone(),
                    day: day.format("%Y-%m-%d").to_string(),
                    url: used[0],
                    directory: used[1],
                    regex: used[2],
                    preload: used[3],
                    ignore_params: used[4],
                })
                .collect(),
            faults: self.faults.iter().map(FaultRuleWire::from_rule).collect(),
        };
        // A document of strings, numbers and lists always serializes.
        serde_json::to_string_pretty(&document).unwrap_or_default()
    }

    /// Reads a state document, refusing unknown fields, repeated task IDs and bad values.
    pub fn from_json(text: &str) -> Result<MockState, StateError> {
        let invalid = |detail: String| StateError::Invalid { detail };
        if !text.trim_start().starts_with('{') {
            return Err(invalid("expected a JSON object".into()));
        }
        let document: Document = serde_json::from_str(text).map_err(|error| invalid(error.to_string()))?;
        MockState::from_document(document).map_err(invalid)
    }

    fn from_document(document: Document) -> Result<MockState, String> {
        if document.state_format != STATE_FORMAT {
            return Err(format!(
                "StateFormat {} is not {STATE_FORMAT}, the one this version reads",
                document.state_format
            ));
        }
        let mut ids = HashSet::new();
        let mut tasks = Vec::with_capacity(document.tasks.len());
        for (index, saved) in document.tasks.into_iter().enumerate() {
            if !ids.insert(saved.task.task_id) {
                return Err(format!(
                    "Tasks[{index}]: TaskId {} appears twice",
                    saved.task.task_id
                ));
            }
            tasks.push(
                saved
                    .into_held()
                    .map_err(|error| format!("Tasks[{index}]: {error}"))?,
            );
        }
        let mut quotas = Vec::with_capacity(document.quotas.len());
        for (index, quota) in document.quotas.into_iter().enumerate() {
            let day = NaiveDate::parse_from_str(&quota.day, "%Y-%m-%d")
                .map_err(|_| format!("Quotas[{index}]: Day must be YYYY-MM-DD"))?;
            quotas.push((
                quota.access_key_id,
                day,
                [
                    quota.url,
                    quota.directory,
                    quota.regex,
                    quota.preload,
                    quota.ignore_params,
                ],
            ));
        }
        let faults = document
            .faults
            .into_iter()
            .enumerate()
            .map(|(index, rule)| {
                rule.into_rule()
                    .map_err(|error| format!("Faults[{index}]: {error}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(MockState {
            now: document.now,
            saved_at: document.saved_at,
            next_task_id: document.next_task_id,
            tasks,
            quotas,
            faults,
        })
    }

    /// Reads the state file at `path`; `None` when there is no such file yet.
    pub fn load(path: &Path) -> Result<Option<MockState>, StateError> {
        match std::fs::read_to_string(path) {
            Ok(text) => MockState::from_json(&text).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Writes the state to `path` atomically: to a new file beside it, synced, then renamed
    /// over it, so a crash mid-write leaves the previous file whole.
    pub fn write_atomically(&self, path: &Path) -> Result<(), StateError> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let failed = |source| StateError::Write {
            path: path.to_owned(),
            source,
        };
        let name = path
            .file_name()
            .ok_or_else(|| failed(std::io::Error::other("the path names no file")))?;
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let temporary = directory.join(format!(
            ".{}.{}-{}.tmp",
            name.to_string_lossy(),
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(self.to_json().as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)?;
            // Make the rename itself durable where directories can be synced.
            if let Ok(directory) = std::fs::File::open(directory) {
                let _ = directory.sync_all();
            }
            Ok(())
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written.map_err(failed)
    }
}

/// The document on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Document {
    state_format: u32,
    /// The mock's time.
    #[serde(with = "time")]
    now: DateTime<Utc>,
    /// The real time then (the time requests were judged by).
    #[serde(with = "time")]
    saved_at: DateTime<Utc>,
    next_task_id: u64,
    tasks: Vec<SavedTask>,
    quotas: Vec<SavedQuota>,
    faults: Vec<FaultRuleWire>,
}

/// A task: its owner, its API fields as they stood, and for a task created through the API,
/// `Progress` (when it was created, to the nanosecond, and how it ends).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct SavedTask {
    owner: Option<String>,
    task: Task,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    progress: Option<SavedProgress>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct SavedProgress {
    #[serde(with = "time")]
    created: DateTime<Utc>,
    /// `Complete` or `Failed`.
    ends: TaskStatus,
    /// The failure reason, for `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<FailureReason>,
}

impl SavedTask {
    fn from_held(held: &Held) -> SavedTask {
        SavedTask {
            owner: held.owner.clone(),
            task: held.task.clone(),
            progress: held.progress.as_ref().map(|(created, fate)| SavedProgress {
                created: *created,
                ends: match fate {
                    Fate::Complete => TaskStatus::Complete,
                    Fate::Fail(_) => TaskStatus::Failed,
                },
                description: match fate {
                    Fate::Complete => None,
                    Fate::Fail(reason) => Some(reason.clone()),
                },
            }),
        }
    }

    fn into_held(self) -> Result<Held, String> {
        let progress = match self.progress {
            None => None,
            Some(SavedProgress {
                created,
                ends: TaskStatus::Complete,
                description: None,
            }) => Some((created, Fate::Complete)),
            Some(SavedProgress {
                created,
                ends: TaskStatus::Failed,
                description: Some(reason),
            }) => Some((created, Fate::Fail(reason))),
            Some(_) => {
                return Err(
                    "Progress must end Complete (no Description) or Failed (with a Description)".into(),
                );
            }
        };
        Ok(Held {
            owner: self.owner,
            task: self.task,
            progress,
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct SavedQuota {
    access_key_id: String,
    /// `YYYY-MM-DD`, UTC, by the mock's clock.
    day: String,
    url: u64,
    directory: u64,
    regex: u64,
    preload: u64,
    ignore_params: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::Fault;
    use crate::quota::QuotaKind;
    use chrono::TimeZone;

    fn sample() -> MockState {
        let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let mut tasks = TaskStore::new(TimeDelta::seconds(2));
        tasks.create(
            "alice",
            &["http://a/1".to_owned(), "http://a/2".to_owned()],
            &cdn_task_core::ObjectType::File,
            vec![Fate::Complete, Fate::Fail(FailureReason::OriginTimeout)],
            t0 + TimeDelta::milliseconds(250),
        );
        let mut quotas = QuotaBook::default();
        quotas.take("alice", QuotaKind::Url, 2, t0.date_naive()).unwrap();
        let faults = [FaultRule::new(Fault::ServiceUnavailable).with_count(2)];
        MockState::capture(t0 + TimeDelta::seconds(1), t0, &tasks, &quotas, &faults)
    }

    #[test]
    fn json_round_trips_everything() {
        let state = sample();
        let json = state.to_json();
        let restored = MockState::from_json(&json).unwrap();
        assert_eq!(restored.to_json(), json);
        // The reported tasks carry whole seconds; how they progress is kept to the nanosecond.
        let later = state.now() + TimeDelta::milliseconds(1250);
        let duration = TimeDelta::seconds(2);
        assert_eq!(
            restored.task_store(duration).entries(later),
            state.task_store(duration).entries(later)
        );
        assert!(
            json.contains("\"Created\": \"2026-06-01T00:00:00.250Z\""),
            "{json}"
        );
        assert!(json.contains("\"Owner\": \"alice\""), "{json}");
        assert_eq!(state.offset(), TimeDelta::seconds(1));
    }

    #[test]
    fn invalid_documents_are_refused_with_the_place() {
        let json = sample().to_json();
        for (edit, expected) in [
            (
                json.replace("\"StateFormat\": 1", "\"StateFormat\": 9"),
                "StateFormat 9",
            ),
            (
                json.replacen("\"NextTaskId\"", "\"Extra\": 1, \"NextTaskId\"", 1),
                "unknown field",
            ),
            (json.replace("100000002", "100000001"), "appears twice"),
            (
                json.replace("\"Ends\": \"Failed\"", "\"Ends\": \"Pending\""),
                "Tasks[1]: Progress",
            ),
            (json.replace("2026-06-01\"", "June\""), "Quotas[0]"),
            (json.replace("ServiceUnavailable", "Meteor"), "Faults[0]"),
            ("[]".to_owned(), "expected a JSON object"),
            (json.replace("\"Now\"", "\"Later\""), "unknown field `Later`"),
        ] {
            let error = MockState::from_json(&edit).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }

    #[test]
    fn writes_are_atomic_and_loads_tell_missing_from_broken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(MockState::load(&path).unwrap().is_none());
        let state = sample();
        state.write_atomically(&path).unwrap();
        state.write_atomically(&path).unwrap();
        let loaded = MockState::load(&path).unwrap().unwrap();
        assert_eq!(loaded.to_json(), state.to_json());
        // Only the file itself remains: no temporary files left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::write(&path, "{").unwrap();
        assert!(matches!(MockState::load(&path), Err(StateError::Invalid { .. })));
        let nowhere = dir.path().join("missing-dir").join("state.json");
        assert!(matches!(
            state.write_atomically(&nowhere),
            Err(StateError::Write { .. })
        ));
    }
}
