//! What `refresh`/`preload` (submitting or `--dry-run`), `list` and `quota` print: a table for
//! people, JSON in the API's own field names for scripts.

use crate::output::{OutputFormat, TaskReport};
use cdn_task_core::{
    PurgeKind, PurgePlan, RefreshQuota, RefreshType, Task, TaskId, WireBody, format_utc_timestamp,
};
use cdn_task_http::{CallOutcome, Error, SubmitReport};
use serde::Serialize;
use std::fmt::Write as _;

fn json(value: &impl Serialize) -> String {
    // Serializing these types cannot fail: string keys only.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// The plan of a `--dry-run`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlanReport {
    /// What would be submitted (`File`, `Directory`, …, `Preload`).
    pub kind: &'static str,
    /// The quota the job needs: one per path.
    pub quota_needed: usize,
    /// Paths dropped as duplicates of an earlier one.
    pub duplicates_dropped: usize,
    /// The calls, in order.
    pub calls: Vec<PlannedCallJson>,
}

/// One call of a plan.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlannedCallJson {
    /// The paths, as they would be sent.
    pub paths: Vec<String>,
    /// How many domains they hold.
    pub domains: usize,
}

fn kind_name(kind: PurgeKind) -> &'static str {
    match kind {
        PurgeKind::Refresh(refresh) => refresh.as_str(),
        PurgeKind::Preload => "Preload",
    }
}

impl PlanReport {
    /// The report of `plan`.
    pub fn of(plan: &PurgePlan) -> PlanReport {
        PlanReport {
            kind: kind_name(plan.kind()),
            quota_needed: plan.path_count(),
            duplicates_dropped: plan.duplicates_dropped(),
            calls: plan
                .calls()
                .iter()
                .map(|call| PlannedCallJson {
                    paths: call.paths.iter().map(str::to_owned).collect(),
                    domains: call.domains,
                })
                .collect(),
        }
    }

    /// Renders the plan, ending with a newline.
    pub fn render(&self, format: OutputFormat) -> String {
        if format == OutputFormat::Json {
            return json(self);
        }
        let mut out = String::new();
        for (index, call) in self.calls.iter().enumerate() {
            let _ = writeln!(
                out,
                "call {}: {} path(s), {} domain(s)",
                index + 1,
                call.paths.len(),
                call.domains
            );
        }
        let _ = writeln!(
            out,
            "dry run: {} {} path(s) in {} call(s), quota needed {}, {} duplicate(s) dropped; nothing was sent",
            self.quota_needed,
            self.kind,
            self.calls.len(),
            self.quota_needed,
            self.duplicates_dropped
        );
        out
    }
}

/// What `refresh`/`preload` print after submitting.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubmitJson {
    /// The service's request IDs of the calls that were answered.
    pub request_ids: Vec<String>,
    /// Every task created (or found again after a lost answer).
    pub task_ids: Vec<TaskId>,
    /// The paths that got no task, grouped by why.
    pub failed: Vec<FailedPaths>,
}

/// Paths that got no task, and why.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedPaths {
    /// The paths.
    pub paths: Vec<String>,
    /// The service's error code, or `UnknownOutcome`, `TransportError`, `Timeout`,
    /// `DecodeError`.
    pub code: String,
    /// What happened, and what to do.
    pub message: String,
}

impl FailedPaths {
    /// One line for stderr.
    pub fn summary(&self) -> String {
        let first = self.paths.first().map_or("", String::as_str);
        let more = match self.paths.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        format!("{}: {first}{more}: {}", self.code, self.message)
    }
}

/// The code a failed call is reported under.
fn code_of(error: &Error) -> String {
    match error {
        Error::Service(service) => service.code().as_str().to_owned(),
        Error::Transport { .. } => "TransportError".to_owned(),
        Error::Timeout { .. } => "Timeout".to_owned(),
        Error::Decode { .. } => "DecodeError".to_owned(),
        _ => "ClientError".to_owned(),
    }
}

fn message_of(error: &Error) -> String {
    match error {
        Error::Service(service) => format!("{} (request ID {})", service.message(), service.request_id()),
        other => cdn_task_http::DisplayChain(other).to_string(),
    }
}

impl SubmitJson {
    /// The report of a submission.
    pub fn of(report: &SubmitReport) -> SubmitJson {
        let mut failed = Vec::new();
        for call in &report.calls {
            let paths = || call.paths.iter().map(|p| p.path.clone()).collect::<Vec<_>>();
            match &call.outcome {
                CallOutcome::Created { .. } => {}
                CallOutcome::Failed(error) => failed.push(FailedPaths {
                    paths: paths(),
                    code: code_of(error),
                    message: message_of(error),
                }),
                CallOutcome::Reconciled {
                    error,
                    unknown,
                    searched: (start, end),
                    lookup_error,
                    ..
                } => {
                    if unknown.is_empty() {
                        continue;
                    }
                    let (start, end) = (format_utc_timestamp(*start), format_utc_timestamp(*end));
                    let lookup = lookup_error.as_ref().map_or(String::new(), |e| {
                        format!(" (looking for its tasks failed too: {e})")
                    });
                    failed.push(FailedPaths {
                        paths: unknown.clone(),
                        code: "UnknownOutcome".to_owned(),
                        message: format!(
                            "the answer was lost ({error}) after the service may have acted, so the call was not \
                             sent again, and no task for these paths created from {start} to {end} was found{lookup}; \
                             check with `cdn-task list --start {start} --end {end} --path URL` before submitting \
                             them again"
                        ),
                    });
                }
                _ => {}
            }
        }
        if !report.not_submitted.is_empty() {
            failed.push(FailedPaths {
                paths: report.not_submitted.iter().map(|p| p.path.clone()).collect(),
                code: "QuotaExceeded.Refresh".to_owned(),
                message: format!(
                    "not submitted: today's quota ({} left) went to the paths before these",
                    report.quota.map_or(0, |q| q.remain)
                ),
            });
        }
        SubmitJson {
            request_ids: report.request_ids().into_iter().map(str::to_owned).collect(),
            task_ids: report.task_ids(),
            failed,
        }
    }

    /// The created IDs one per line, or the JSON document.
    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Json => json(self),
            OutputFormat::Table => self.task_ids.iter().map(|id| format!("{id}\n")).collect(),
        }
    }
}

/// What `list` prints.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListReport {
    /// How many tasks match in all (the service's `TotalCount`).
    pub total_count: u64,
    /// The tasks fetched (up to `--limit`), newest first.
    pub tasks: Vec<Task>,
}

impl ListReport {
    /// A table with a closing count, or `{"TotalCount","Tasks"}`.
    pub fn render(&self, format: OutputFormat) -> String {
        if format == OutputFormat::Json {
            return json(self);
        }
        let table = TaskReport {
            total_count: self.tasks.len(),
            tasks: self.tasks.clone(),
            not_found: Vec::new(),
            request_ids: None,
            wait: None,
        };
        let mut out = table.render(OutputFormat::Table);
        let _ = writeln!(out, "{} of {} task(s)", self.tasks.len(), self.total_count);
        out
    }
}

/// The quota as a table, or in the API's field names (`{"UrlQuota":"10000",…}`).
pub fn render_quota(quota: &RefreshQuota, format: OutputFormat) -> String {
    if format == OutputFormat::Json {
        let value: serde_json::Value = serde_json::from_str(&quota.encode_json()).unwrap_or_default();
        return json(&value);
    }
    let mut rows = vec![
        (PurgeKind::Refresh(RefreshType::File), "URL refresh"),
        (PurgeKind::Refresh(RefreshType::Directory), "directory refresh"),
        (PurgeKind::Refresh(RefreshType::Regex), "regex refresh"),
        (
            PurgeKind::Refresh(RefreshType::IgnoreParams),
            "ignore-params refresh",
        ),
        (PurgeKind::Preload, "prefetch"),
    ];
    rows.retain(|(kind, _)| quota.for_kind(*kind).is_some());
    let mut out = format!("{:<22}  {:>10}  {:>10}\n", "QUOTA", "DAILY", "REMAINING");
    for (kind, name) in rows {
        if let Some(q) = quota.for_kind(kind) {
            let _ = writeln!(out, "{name:<22}  {:>10}  {:>10}", q.quota, q.remain);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::PathSource;

    #[test]
    fn the_dry_run_names_calls_paths_and_quota() {
        let paths = (1..=1_203)
            .map(|n| PathSource::argument(n, format!("https://d{}.a.com/{}", n % 1_201 % 3, n % 1_201)));
        let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::File), paths).unwrap();
        let table = PlanReport::of(&plan).render(OutputFormat::Table);
        assert_eq!(
            table,
            "call 1: 1000 path(s), 3 domain(s)\ncall 2: 201 path(s), 3 domain(s)\n\
             dry run: 1201 File path(s) in 2 call(s), quota needed 1201, 2 duplicate(s) dropped; nothing was sent\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&PlanReport::of(&plan).render(OutputFormat::Json)).unwrap();
        assert_eq!(json["QuotaNeeded"], 1_201);
        assert_eq!(json["Calls"][1]["Paths"].as_array().unwrap().len(), 201);
    }

    #[test]
    fn the_quota_in_both_shapes() {
        let quota = RefreshQuota::decode_json(
            br#"{"RequestId":"R","UrlQuota":"10000","UrlRemain":"9990","DirQuota":"100","DirRemain":"100",
                "PreloadQuota":"1000","PreloadRemain":"7","RegexQuota":"20","RegexRemain":"20"}"#,
        )
        .unwrap();
        let table = render_quota(&quota, OutputFormat::Table);
        assert!(
            table.contains("URL refresh                  10000        9990"),
            "{table}"
        );
        assert!(!table.contains("ignore-params"), "{table}");
        let json: serde_json::Value =
            serde_json::from_str(&render_quota(&quota, OutputFormat::Json)).unwrap();
        assert_eq!(json["PreloadRemain"], "7");
        assert_eq!(json["RequestId"], "R");
    }
}
