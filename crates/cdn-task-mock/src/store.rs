//! The tasks the mock knows: who owns them, how they progress, which IDs are next.

use crate::progress::{Fate, stage_at};
use cdn_task_core::{DescribeRefreshTasks, ObjectType, QUERY_WINDOW, Task, TaskId, TaskIdList, is_queryable};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;

/// The first task ID handed out (nine digits, like the documented examples).
const FIRST_TASK_ID: u64 = 100_000_001;

/// Below this many tasks the store never prunes.
const PRUNE_FLOOR: usize = 4_096;

/// Every task, by ID.
#[derive(Debug)]
pub(crate) struct TaskStore {
    tasks: HashMap<TaskId, Entry>,
    next_id: u64,
    duration: TimeDelta,
    /// Created tasks past the query window are dropped when the store reaches this size, so a
    /// long-running mock stays bounded (amortized: the mark doubles past what remains).
    prune_at: usize,
}

#[derive(Debug)]
struct Entry {
    /// The AccessKeyId that may see it; `None`: every key.
    owner: Option<String>,
    record: Record,
}

#[derive(Debug)]
enum Record {
    /// A added task, reported as given.
    Given(Task),
    /// A task created through the API; its stage follows the clock.
    Created {
        object_path: String,
        object_type: ObjectType,
        created: DateTime<Utc>,
        fate: Fate,
    },
}

/// One task as held, for listing and saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Held {
    /// The AccessKeyId that may see it; `None`: every key.
    pub(crate) owner: Option<String>,
    /// As reported at the time asked (a created task: its stage then).
    pub(crate) task: Task,
    /// For a task created through the API: when it was created (to the nanosecond) and how it
    /// ends. `None`: a added task, reported as given.
    pub(crate) progress: Option<(DateTime<Utc>, Fate)>,
}

impl Held {
    /// The public view.
    pub(crate) fn stored(self) -> crate::behaviour::StoredTask {
        crate::behaviour::StoredTask {
            owner: self.owner,
            task: self.task,
        }
    }
}

impl TaskStore {
    /// An empty store whose created tasks take `duration` to finish.
    pub(crate) fn new(duration: TimeDelta) -> TaskStore {
        TaskStore {
            tasks: HashMap::new(),
            next_id: FIRST_TASK_ID,
            duration,
            prune_at: PRUNE_FLOOR,
        }
    }

    /// Adds tasks as given, visible to `owner` only (or to every key). A task with an ID already
    /// present replaces it.
    pub(crate) fn add(&mut self, owner: Option<&str>, tasks: Vec<Task>) {
        for task in tasks {
            let entry = Entry {
                owner: owner.map(str::to_owned),
                record: Record::Given(task.clone()),
            };
            self.tasks.insert(task.task_id, entry);
        }
    }

    /// Every task, by ID, as it stands at `now` (the window aside).
    pub(crate) fn entries(&self, now: DateTime<Utc>) -> Vec<Held> {
        let mut ids: Vec<&TaskId> = self.tasks.keys().collect();
        ids.sort();
        ids.into_iter()
            .filter_map(|id| {
                let entry = self.tasks.get(id)?;
                let progress = match &entry.record {
                    Record::Given(_) => None,
                    Record::Created { created, fate, .. } => Some((*created, fate.clone())),
                };
                Some(Held {
                    owner: entry.owner.clone(),
                    task: self.snapshot(*id, &entry.record, now),
                    progress,
                })
            })
            .collect()
    }

    /// The next ID to try for a created task.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id
    }

    /// A store holding `held` (as [`entries`](Self::entries) listed them), handing out IDs
    /// from `next_id` on.
    pub(crate) fn restore(duration: TimeDelta, held: Vec<Held>, next_id: u64) -> TaskStore {
        let mut store = TaskStore::new(duration);
        store.next_id = next_id.max(FIRST_TASK_ID);
        for Held {
            owner,
            task,
            progress,
        } in held
        {
            let record = match progress {
                None => Record::Given(task.clone()),
                Some((created, fate)) => Record::Created {
                    object_path: task.object_path,
                    object_type: task.object_type,
                    created,
                    fate,
                },
            };
            store.tasks.insert(task.task_id, Entry { owner, record });
        }
        store.prune_at = (store.tasks.len() * 2).max(PRUNE_FLOOR);
        store
    }

    /// Creates one task per path for `owner`, with the given fates (one per path), and returns
    /// their IDs in order. IDs increase and skip any already taken by added tasks.
    pub(crate) fn create(
        &mut self,
        owner: &str,
        paths: &[String],
        object_type: &ObjectType,
        fates: Vec<Fate>,
        now: DateTime<Utc>,
    ) -> Vec<TaskId> {
        if self.tasks.len() >= self.prune_at {
            self.forget_expired(now);
        }
        let mut ids = Vec::with_capacity(paths.len());
        for (path, fate) in paths.iter().zip(fates) {
            let id = self.allocate_id();
            let record = Record::Created {
                object_path: path.clone(),
                object_type: object_type.clone(),
                created: now,
                fate,
            };
            self.tasks.insert(
                id,
                Entry {
                    owner: Some(owner.to_owned()),
                    record,
                },
            );
            ids.push(id);
        }
        ids
    }

    /// Drops created tasks no caller can see any more (older than the query window at `now`).
    /// Given tasks stay.
    fn forget_expired(&mut self, now: DateTime<Utc>) {
        if let Some(oldest) = now.checked_sub_signed(QUERY_WINDOW) {
            self.tasks.retain(|_, entry| match &entry.record {
                Record::Given(_) => true,
                Record::Created { created, .. } => *created >= oldest,
            });
        }
        self.prune_at = (self.tasks.len() * 2).max(PRUNE_FLOOR);
    }

    fn allocate_id(&mut self) -> TaskId {
        loop {
            let candidate = TaskId::try_from(self.next_id);
            self.next_id = self.next_id.saturating_add(1);
            match candidate {
                Ok(id) if !self.tasks.contains_key(&id) => return id,
                // Taken by a added task (or, past u64, unreachable in practice): try the next.
                _ => continue,
            }
        }
    }

    /// The tasks among `ids` that `caller` may see and that are within the three-day window at
    /// `now`, in the order asked. Unknown, foreign and expired IDs are simply absent.
    pub(crate) fn describe(&self, caller: &str, ids: &TaskIdList, now: DateTime<Utc>) -> Vec<Task> {
        ids.ids()
            .iter()
            .filter_map(|id| {
                let entry = self.tasks.get(id)?;
                let visible = entry.owner.as_deref().is_none_or(|owner| owner == caller);
                visible.then(|| self.snapshot(*id, &entry.record, now))
            })
            .filter(|task| is_queryable(task.creation_time, now))
            .collect()
    }

    /// One page of the tasks `caller` may see that match `filter` at `now`, newest first (then by
    /// ID, highest first), and how many match in all. Only the three-day window is searched.
    ///
    /// The mock keeps no resource groups: every task is in every group, so `ResourceGroupId`
    /// filters nothing.
    pub(crate) fn list(
        &self,
        caller: &str,
        filter: &DescribeRefreshTasks,
        now: DateTime<Utc>,
    ) -> (Vec<Task>, u64) {
        let domain = filter.domain_name().map(str::to_ascii_lowercase);
        let mut matching: Vec<Task> = self
            .tasks
            .iter()
            .filter(|(_, entry)| entry.owner.as_deref().is_none_or(|owner| owner == caller))
            .map(|(id, entry)| self.snapshot(*id, &entry.record, now))
            .filter(|task| {
                is_queryable(task.creation_time, now)
                    && filter.window().is_none_or(|(start, end)| {
                        // Whole seconds, as the filter is sent.
                        let created = task.creation_time.timestamp();
                        (start.timestamp()..=end.timestamp()).contains(&created)
                    })
                    && filter.task_id().is_none_or(|id| id == task.task_id)
                    && filter.object_path().is_none_or(|path| path == task.object_path)
                    && domain
                        .as_deref()
                        .is_none_or(|domain| host_of(&task.object_path) == domain)
                    && filter
                        .object_type()
                        .is_none_or(|kind| kind.as_str() == task.object_type.as_str())
                    && filter
                        .status()
                        .is_none_or(|status| status.as_str() == task.status.as_str())
            })
            .collect();
        matching.sort_by(|a, b| {
            b.creation_time
                .cmp(&a.creation_time)
                .then_with(|| b.task_id.cmp(&a.task_id))
        });
        let total = matching.len() as u64;
        let size = filter.page_size().get() as usize;
        let skip = (filter.page_number().get() as usize - 1).saturating_mul(size);
        let page = matching.into_iter().skip(skip).take(size).collect();
        (page, total)
    }

    /// How many of `caller`'s created tasks of `object_type` are not finished at `now`.
    pub(crate) fn unfinished(&self, caller: &str, object_type: &ObjectType, now: DateTime<Utc>) -> u64 {
        self.tasks
            .iter()
            .filter(|(_, entry)| entry.owner.as_deref() == Some(caller))
            .filter(|(_, entry)| matches!(&entry.record, Record::Created { object_type: t, .. } if t == object_type))
            .filter(|(id, entry)| !self.snapshot(**id, &entry.record, now).is_terminal())
            .count() as u64
    }

    fn snapshot(&self, id: TaskId, record: &Record, now: DateTime<Utc>) -> Task {
        match record {
            Record::Given(task) => task.clone(),
            Record::Created {
                object_path,
                object_type,
                created,
                fate,
            } => {
                let stage = stage_at(*created, self.duration, fate, now);
                Task::new(id, object_path.clone(), *created)
                    .with_object_type(object_type.clone())
                    .with_status(stage.status)
                    .with_process(stage.process)
                    .with_description(stage.description)
            }
        }
    }
}

/// The host of a URL in lower case, without port (empty when there is none).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    rest[..end].to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{Process, TaskStatus};
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap()
    }

    fn ids(text: &str) -> TaskIdList {
        text.parse().unwrap()
    }

    fn seeded(id: &str, created: DateTime<Utc>) -> Task {
        Task::new(id.parse().unwrap(), "http://example.com/seed", created)
            .with_object_type(ObjectType::File)
            .with_status(TaskStatus::Complete)
            .with_process(Process::COMPLETE)
    }

    #[test]
    fn created_tasks_get_increasing_ids_skipping_added_ones() {
        let mut store = TaskStore::new(TimeDelta::seconds(2));
        store.add(None, vec![seeded("100000002", t0())]);
        let paths = vec!["http://a/1".to_owned(), "http://a/2".to_owned()];
        let created = store.create(
            "alice",
            &paths,
            &ObjectType::File,
            vec![Fate::Complete, Fate::Complete],
            t0(),
        );
        let created: Vec<String> = created.iter().map(ToString::to_string).collect();
        assert_eq!(created, ["100000001", "100000003"]);
        assert_eq!(store.describe("alice", &ids("100000002"), t0()).len(), 1);
    }

    #[test]
    fn describe_filters_by_owner_and_window_and_keeps_the_order_asked() {
        let mut store = TaskStore::new(TimeDelta::seconds(2));
        let paths = vec!["http://a/1".to_owned()];
        let mine = store.create(
            "alice",
            &paths,
            &ObjectType::Directory,
            vec![Fate::Complete],
            t0(),
        )[0];
        let theirs = store.create("bob", &paths, &ObjectType::File, vec![Fate::Complete], t0())[0];
        store.add(
            None,
            vec![seeded("5", t0()), seeded("6", t0() - TimeDelta::days(4))],
        );
        store.add(Some("bob"), vec![seeded("7", t0())]);
        let asked = ids(&format!("5,{theirs},404,{mine},6,7"));
        let seen: Vec<String> = store
            .describe("alice", &asked, t0())
            .iter()
            .map(|t| t.task_id.to_string())
            .collect();
        assert_eq!(seen, ["5".to_owned(), mine.to_string()]);
        assert_eq!(store.describe("bob", &asked, t0()).len(), 3);
    }

    #[test]
    fn the_window_is_inclusive_at_72_hours() {
        let mut store = TaskStore::new(TimeDelta::seconds(2));
        let id = store.create(
            "alice",
            &["http://a/".to_owned()],
            &ObjectType::File,
            vec![Fate::Complete],
            t0(),
        )[0];
        let asked = TaskIdList::new([id]).unwrap();
        let edge = t0() + TimeDelta::hours(72);
        assert_eq!(store.describe("alice", &asked, edge).len(), 1);
        assert!(
            store
                .describe("alice", &asked, edge + TimeDelta::seconds(1))
                .is_empty()
        );
    }

    #[test]
    fn expired_created_tasks_are_forgotten_once_the_store_is_large() {
        let mut store = TaskStore::new(TimeDelta::seconds(2));
        store.add(None, vec![seeded("1", t0() - TimeDelta::days(30))]);
        let paths: Vec<String> = (0..PRUNE_FLOOR).map(|n| format!("http://a/{n}")).collect();
        let fates = vec![Fate::Complete; paths.len()];
        let old = store.create("a", &paths, &ObjectType::File, fates, t0());
        let later = t0() + TimeDelta::days(4);
        let fresh = store.create("a", &paths[..1], &ObjectType::File, vec![Fate::Complete], later);
        assert_eq!(
            store.tasks.len(),
            2,
            "only the added task and the fresh one remain"
        );
        assert!(store.tasks.contains_key(&fresh[0]) && !store.tasks.contains_key(&old[0]));
        assert_eq!(store.prune_at, PRUNE_FLOOR);
    }

    #[test]
    fn list_filters_pages_newest_first_and_counts_all() {
        use cdn_task_core::{PageNumber, PageSize, TaskStatusFilter, TaskTypeFilter};
        let mut store = TaskStore::new(TimeDelta::seconds(10));
        let paths: Vec<String> = (0..5).map(|n| format!("http://A.com/{n}")).collect();
        for (n, path) in paths.iter().enumerate() {
            let at = t0() + TimeDelta::seconds(n as i64);
            store.create(
                "a",
                std::slice::from_ref(path),
                &ObjectType::File,
                vec![Fate::Complete],
                at,
            );
        }
        store.create(
            "a",
            &["http://b.com/d/".to_owned()],
            &ObjectType::Directory,
            vec![Fate::Complete],
            t0(),
        );
        store.create("bob", &paths, &ObjectType::File, vec![Fate::Complete; 5], t0());
        let now = t0() + TimeDelta::seconds(12);
        let list = |filter: DescribeRefreshTasks| {
            let (page, total) = store.list("a", &filter, now);
            (
                page.iter().map(|t| t.object_path.clone()).collect::<Vec<_>>(),
                total,
            )
        };
        let second_page = DescribeRefreshTasks::builder()
            .object_type(TaskTypeFilter::File)
            .domain_name("a.com")
            .page_size(PageSize::new(2).unwrap())
            .page_number(PageNumber::new(2).unwrap())
            .build()
            .unwrap();
        assert_eq!(list(second_page), (vec![paths[2].clone(), paths[1].clone()], 5));
        let window = DescribeRefreshTasks::builder()
            .window(t0() + TimeDelta::seconds(1), t0() + TimeDelta::seconds(2))
            .build()
            .unwrap();
        assert_eq!(list(window).1, 2);
        let by_path = DescribeRefreshTasks::builder()
            .object_path(&paths[3])
            .build()
            .unwrap();
        assert_eq!(list(by_path), (vec![paths[3].clone()], 1));
        let refreshing = DescribeRefreshTasks::builder()
            .object_type(TaskTypeFilter::Directory)
            .status(TaskStatusFilter::Complete)
            .build()
            .unwrap();
        assert_eq!(list(refreshing).1, 1);
        // Three days later, nothing is listed.
        let (page, total) = store.list("a", &DescribeRefreshTasks::default(), t0() + TimeDelta::days(4));
        assert!(page.is_empty() && total == 0);
        assert_eq!(
            store.unfinished("a", &ObjectType::File, t0() + TimeDelta::seconds(5)),
            5
        );
        assert_eq!(
            store.unfinished("a", &ObjectType::File, now + TimeDelta::seconds(10)),
            0
        );
    }

    #[test]
    fn entries_list_every_task_by_id_and_restore_gives_the_same_store() {
        let mut store = TaskStore::new(TimeDelta::seconds(2));
        store.add(Some("bob"), vec![seeded("7", t0())]);
        let created = store.create(
            "alice",
            &["http://a/1".to_owned()],
            &ObjectType::File,
            vec![Fate::Fail(cdn_task_core::FailureReason::OriginTimeout)],
            t0() + TimeDelta::milliseconds(700),
        )[0];
        let held = store.entries(t0() + TimeDelta::seconds(1));
        assert_eq!(held.len(), 2);
        assert_eq!(held[0].task.task_id.to_string(), "7");
        assert_eq!(held[0].owner.as_deref(), Some("bob"));
        assert_eq!(held[1].task.status, TaskStatus::Refreshing);
        let restored = TaskStore::restore(TimeDelta::seconds(2), held, store.next_id());
        let later = t0() + TimeDelta::seconds(3);
        assert_eq!(restored.entries(later), store.entries(later));
        assert_eq!(restored.entries(later)[1].task.status, TaskStatus::Failed);
        assert_eq!(
            restored.next_id(),
            created.to_string().parse::<u64>().unwrap() + 1
        );
    }

    #[test]
    fn created_tasks_progress_added_ones_do_not() {
        let mut store = TaskStore::new(TimeDelta::seconds(10));
        let id = store.create(
            "a",
            &["http://a/".to_owned()],
            &ObjectType::Regex,
            vec![Fate::Complete],
            t0(),
        )[0];
        let mut pending = seeded("9", t0());
        pending.status = TaskStatus::Pending;
        store.add(None, vec![pending]);
        let asked = ids(&format!("{id},9"));
        let later = store.describe("a", &asked, t0() + TimeDelta::seconds(5));
        assert_eq!(later[0].status, TaskStatus::Refreshing);
        assert_eq!(later[0].object_type, ObjectType::Regex);
        assert_eq!(later[1].status, TaskStatus::Pending);
        let done = store.describe("a", &asked, t0() + TimeDelta::seconds(10));
        assert_eq!(done[0].status, TaskStatus::Complete);
    }
}
