//! The HTTP control plane (`/_mock/…`): each endpoint does what the matching `MockServer` method
//! does, because both call the same function.

use crate::common::{ID, Mock, config};
use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::{
    ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format, RefreshType, TaskStatus,
};
use cdn_task_mock::{AdminToken, ControlPlane, Fault, FaultRule, MockClock, MockState};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

/// Sends a control request; the status and the JSON answer.
async fn control(mock: &Mock, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    control_with(mock, method, path, body, None).await
}

async fn control_with(
    mock: &Mock,
    method: &str,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", mock.server.base_url()));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

fn seeded_task(id: &str, status: &str) -> Value {
    json!({"TaskId": id, "ObjectPath": "http://example.com/a", "ObjectType": "file", "Status": status,
           "Process": "0%", "CreationTime": "2026-06-01T00:00:00Z", "Description": ""})
}

#[tokio::test]
async fn health_tasks_and_owners() {
    let mock = Mock::start(config()).await;
    let (status, health) = control(&mock, "GET", "/_mock/health", None).await;
    assert_eq!(status, 200);
    assert_eq!(health["Status"], "ok");
    assert_eq!(health["Version"], env!("CARGO_PKG_VERSION"));
    let mut mine = seeded_task("77", "Pending");
    mine["Owner"] = json!(ID);
    let (status, stored) = control(
        &mock,
        "POST",
        "/_mock/tasks",
        Some(json!([mine, seeded_task("78", "Complete")])),
    )
    .await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored[0]["Owner"], ID);
    assert_eq!(stored[1]["Owner"], Value::Null);
    // The API sees them, and the Rust method lists the same tasks.
    assert_eq!(mock.tasks("77,78").await.len(), 2);
    let listed = mock.server.tasks();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].owner.as_deref(), Some(ID));
    let (_, over_http) = control(&mock, "GET", "/_mock/tasks", None).await;
    assert_eq!(over_http.as_array().unwrap().len(), 2);
    assert_eq!(over_http[0]["TaskId"], "77");
    assert_eq!(over_http[0]["Status"], "Pending");
}

#[tokio::test]
async fn the_clock_moves_tasks_while_a_real_time_signature_stays_valid() {
    let mock = Mock::start(
        config()
            .with_clock(MockClock::system())
            .with_task_duration(Duration::from_secs(60)),
    )
    .await;
    let real_now = || chrono::DateTime::from(SystemTime::now());
    let credentials = Credentials::new(ID, crate::common::SECRET);
    let created = {
        let request = ApiRequest::new(
            &crate::common::refresh_op(&["http://example.com/x"], RefreshType::File),
            Format::Json,
        );
        let signed = request.sign(
            SignatureVersion::Rpc,
            &mock.host(),
            &credentials,
            real_now(),
            "n-create",
        );
        let response: cdn_task_core::CreateTasksResponse = mock.send(&signed).await.decode(Format::Json);
        response.task_ids[0]
    };
    let describe = |nonce: &'static str| {
        let request = ApiRequest::new(
            &DescribeRefreshTaskById::new(created.to_string().parse().unwrap()),
            Format::Json,
        );
        request.sign(
            SignatureVersion::Acs3,
            &mock.host(),
            &credentials,
            real_now(),
            nonce,
        )
    };
    let (status, moved) = control(&mock, "POST", "/_mock/clock", Some(json!({"Advance": "90s"}))).await;
    assert_eq!(status, 200, "{moved}");
    let body: DescribeRefreshTaskByIdResponse = mock.send(&describe("n-1")).await.decode(Format::Json);
    assert_eq!(body.tasks[0].status, TaskStatus::Complete);
    // Four days on, the task has left the three-day window; the signature still passes.
    control(&mock, "POST", "/_mock/clock", Some(json!({"Advance": "96h"}))).await;
    let body: DescribeRefreshTaskByIdResponse = mock.send(&describe("n-2")).await.decode(Format::Json);
    assert!(body.tasks.is_empty());
    let (status, now) = control(
        &mock,
        "POST",
        "/_mock/clock",
        Some(json!({"Set": "2030-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        now["Now"].as_str().unwrap().starts_with("2030-01-01T00:00:0"),
        "{now}"
    );
    let (_, read) = control(&mock, "GET", "/_mock/clock", None).await;
    assert!(
        read["Now"].as_str().unwrap().starts_with("2030-01-01T00:00:0"),
        "{read}"
    );
}

#[tokio::test]
async fn fault_rules_fire_for_their_action_and_count() {
    let mock = Mock::start(config()).await;
    let rules = json!([{"Action": "DescribeRefreshTaskById", "Fault": "ServiceUnavailable", "Count": 1},
                       {"Action": "*", "Fault": "Error", "Code": "Throttling", "Rate": 0}]);
    let (status, listed) = control(&mock, "PUT", "/_mock/faults", Some(rules)).await;
    assert_eq!(status, 200, "{listed}");
    let answer = mock.describe("1", Format::Json, SignatureVersion::Rpc).await;
    answer.expect_error("ServiceUnavailable", 503, Format::Json);
    assert_eq!(
        mock.describe("1", Format::Json, SignatureVersion::Rpc)
            .await
            .status,
        200
    );
    let (_, listed) = control(&mock, "GET", "/_mock/faults", None).await;
    assert_eq!(listed[0]["Count"], 0);
    assert_eq!(mock.server.fault_rules()[0].remaining(), Some(0));
    // The Rust method and the endpoint change the same rules.
    mock.server
        .set_fault_rules(vec![FaultRule::new(Fault::Error("Throttling".parse().unwrap()))]);
    let answer = mock.describe("1", Format::Json, SignatureVersion::Rpc).await;
    answer.expect_error("Throttling", 400, Format::Json);
    let (status, cleared) = control(&mock, "DELETE", "/_mock/faults", None).await;
    assert_eq!((status, cleared), (200, json!([])));
    assert!(mock.server.fault_rules().is_empty());
}

#[tokio::test]
async fn calls_are_listed_filtered_and_cleared() {
    let mock = Mock::start(config()).await;
    mock.describe("1,2", Format::Json, SignatureVersion::Acs3).await;
    mock.refresh(&["http://example.com/r"], RefreshType::File).await;
    let (_, calls) = control(&mock, "GET", "/_mock/calls", None).await;
    assert_eq!(calls.as_array().unwrap().len(), 2);
    let (_, described) = control(&mock, "GET", "/_mock/calls?action=DescribeRefreshTaskById", None).await;
    let described = described.as_array().unwrap();
    assert_eq!(described.len(), 1);
    let call = &described[0];
    assert_eq!(call["AccessKeyId"], ID);
    assert_eq!(call["Status"], 200);
    assert_eq!(call["Scheme"], "ACS3");
    assert_eq!(call["Parameters"]["TaskId"], "1,2");
    assert!(call["Parameters"].get("Signature").is_none());
    assert_eq!(call["RequestId"].as_str().unwrap().len(), 36);
    assert_eq!(mock.server.received_for("RefreshObjectCaches").len(), 1);
    let (status, _) = control(&mock, "DELETE", "/_mock/calls", None).await;
    assert_eq!(status, 200);
    assert!(mock.server.received().is_empty());
}

#[tokio::test]
async fn state_round_trips_and_reset_goes_back_to_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let mock = Mock::start(config().with_state_file(file.clone()).with_initial_tasks(vec![
        serde_json::from_value(seeded_task("5", "Complete")).unwrap(),
    ]))
    .await;
    let created = mock
        .refresh(&["http://example.com/s"], RefreshType::Directory)
        .await;
    control(
        &mock,
        "PUT",
        "/_mock/faults",
        Some(json!([{"Fault": "InternalError", "Rate": 0}])),
    )
    .await;
    let (status, state) = control(&mock, "GET", "/_mock/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(state["Tasks"].as_array().unwrap().len(), 2);
    let (status, saved) = control(&mock, "POST", "/_mock/state/save", None).await;
    assert_eq!(status, 200, "{saved}");
    let on_disk = MockState::load(&file).unwrap().unwrap();
    assert_eq!(serde_json::from_str::<Value>(&on_disk.to_json()).unwrap(), state);

    let (status, _) = control(&mock, "POST", "/_mock/reset", None).await;
    assert_eq!(status, 200);
    assert_eq!(mock.server.tasks().len(), 1, "only the seed task is left");
    assert!(mock.server.fault_rules().is_empty());
    assert!(mock.server.received().is_empty());
    assert!(mock.tasks(&created[0].to_string()).await.is_empty());

    let (status, restored) = control(&mock, "POST", "/_mock/state", Some(state.clone())).await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["Tasks"], state["Tasks"]);
    assert_eq!(mock.tasks(&created[0].to_string()).await.len(), 1);
    // The quota used before the save is used again.
    assert_eq!(restored["Quotas"][0]["Directory"], 1);
}

#[tokio::test]
async fn the_token_guards_every_endpoint_and_no_admin_removes_them() {
    let guarded = Mock::start(
        config().with_control_plane(ControlPlane::Token("letmein".parse::<AdminToken>().unwrap())),
    )
    .await;
    for (token, expected) in [(None, 401), (Some("nope"), 403), (Some("letmein"), 200)] {
        let (status, body) = control_with(&guarded, "GET", "/_mock/health", None, token).await;
        assert_eq!(status, expected, "{body}");
        if expected != 200 {
            assert!(body["Error"].is_string(), "{body}");
        }
    }
    let off = Mock::start(config().with_control_plane(ControlPlane::Disabled)).await;
    let answer = reqwest::get(format!("{}/_mock/health", off.server.base_url()))
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    assert_eq!(
        answer.headers()["content-type"],
        "text/xml;charset=utf-8",
        "the API's own 404"
    );
}

#[tokio::test]
async fn routes_stay_apart_both_ways() {
    let mock = Mock::start(config()).await;
    // The API at /_mock/ would be a signed request; it is the control plane's 404 instead.
    let signed = mock.sign(
        &ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json),
        SignatureVersion::Rpc,
    );
    let response = reqwest::Client::new()
        .post(format!("{}/_mock/?{}", mock.server.base_url(), signed.query))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("\"Error\""));
    assert!(mock.server.received().is_empty(), "the API saw nothing");
    // The control plane's JSON at an API route is an API request, refused as one.
    let answer = mock
        .send_raw(
            "POST",
            "",
            &[("content-type", "application/json")],
            b"{\"Advance\":\"1h\"}".to_vec(),
        )
        .await;
    assert_ne!(answer.status, 200);
    assert_eq!(mock.server.received().len(), 1);
    let (status, _) = control(&mock, "POST", "/_mock/health", None).await;
    assert_eq!(status, 405);
    let refused = reqwest::Client::new()
        .delete(format!("{}/_mock/clock", mock.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.headers()["allow"], "GET, POST");
    let head = reqwest::Client::new()
        .head(format!("{}/_mock/health", mock.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
}
