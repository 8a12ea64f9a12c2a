//! What `RefreshObjectCaches` and `PushObjectCache` answer: the IDs of the tasks created.

use crate::codec::xml::{XmlWriter, decode_flat, required};
use crate::codec::{DecodeError, WireBody, json};
use crate::task_id::TaskId;

/// What `RefreshObjectCaches` and `PushObjectCache` answer: the IDs of the tasks created.
/// (`RefreshTaskId` / `PushTaskId` on the wire: one ID, or several joined by commas.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateTasksResponse {
    /// The service's ID for this call.
    pub request_id: String,
    /// Which operation answered: it names the ID field.
    pub kind: CreatedTaskKind,
    /// The tasks created, in order.
    pub task_ids: Vec<TaskId>,
}

impl CreateTasksResponse {
    /// The answer to the call `request_id` of `kind`, which created `task_ids`.
    pub fn new(
        request_id: impl Into<String>,
        kind: CreatedTaskKind,
        task_ids: Vec<TaskId>,
    ) -> CreateTasksResponse {
        CreateTasksResponse {
            request_id: request_id.into(),
            kind,
            task_ids,
        }
    }
}

/// Which operation created the tasks of a [`CreateTasksResponse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CreatedTaskKind {
    /// `RefreshObjectCaches` (`RefreshTaskId`).
    Refresh,
    /// `PushObjectCache` (`PushTaskId`).
    Push,
}

impl CreatedTaskKind {
    fn id_field(self) -> &'static str {
        match self {
            CreatedTaskKind::Refresh => "RefreshTaskId",
            CreatedTaskKind::Push => "PushTaskId",
        }
    }
}

impl CreateTasksResponse {
    fn ids_parameter(&self) -> String {
        self.task_ids
            .iter()
            .map(TaskId::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn from_fields(
        request_id: Option<String>,
        refresh: Option<String>,
        push: Option<String>,
    ) -> Result<Self, DecodeError> {
        let container = || "the response".to_owned();
        let request_id = required(request_id, "RequestId", container)?;
        let (kind, ids) = match (refresh, push) {
            (Some(ids), _) => (CreatedTaskKind::Refresh, ids),
            (None, Some(ids)) => (CreatedTaskKind::Push, ids),
            (None, None) => {
                return Err(DecodeError::MissingField {
                    field: "RefreshTaskId",
                    container: container(),
                });
            }
        };
        let task_ids = ids
            .split(',')
            .map(|id| id.trim().parse::<TaskId>())
            .collect::<Result<_, _>>()
            .map_err(|error| DecodeError::InvalidField {
                field: kind.id_field(),
                offset: 0,
                detail: error.to_string(),
            })?;
        Ok(CreateTasksResponse {
            request_id,
            kind,
            task_ids,
        })
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateTasksWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    push_task_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_task_id: Option<String>,
    request_id: Option<String>,
}

impl WireBody for CreateTasksResponse {
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
        let wire: CreateTasksWire = json::decode(body)?;
        CreateTasksResponse::from_fields(wire.request_id, wire.refresh_task_id, wire.push_task_id)
    }

    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
        const FIELDS: [&str; 3] = ["RequestId", "RefreshTaskId", "PushTaskId"];
        // Either operation's root; the document's own first element says which.
        let [request_id, refresh, push] = match decode_flat(body, "RefreshObjectCachesResponse", FIELDS) {
            Err(DecodeError::XmlWrongRoot { found, .. }) if found == "PushObjectCacheResponse" => {
                decode_flat(body, "PushObjectCacheResponse", FIELDS)?
            }
            result => result?,
        };
        CreateTasksResponse::from_fields(request_id, refresh, push)
    }

    fn encode_json(&self) -> String {
        let ids = Some(self.ids_parameter());
        let (refresh_task_id, push_task_id) = match self.kind {
            CreatedTaskKind::Refresh => (ids, None),
            CreatedTaskKind::Push => (None, ids),
        };
        json::encode(&CreateTasksWire {
            push_task_id,
            refresh_task_id,
            request_id: Some(self.request_id.clone()),
        })
    }

    fn encode_xml(&self) -> String {
        let root = match self.kind {
            CreatedTaskKind::Refresh => "RefreshObjectCachesResponse",
            CreatedTaskKind::Push => "PushObjectCacheResponse",
        };
        XmlWriter::flat(
            root,
            &[
                ("RequestId", &self.request_id),
                (self.kind.id_field(), &self.ids_parameter()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_responses_round_trip_in_both_formats() {
        for kind in [CreatedTaskKind::Refresh, CreatedTaskKind::Push] {
            let response = CreateTasksResponse {
                request_id: "R1".into(),
                kind,
                task_ids: vec!["1".parse().unwrap(), "2".parse().unwrap()],
            };
            for format in [crate::Format::Json, crate::Format::Xml] {
                let body = response.encode(format);
                assert_eq!(
                    CreateTasksResponse::decode(format, body.as_bytes()),
                    Ok(response.clone()),
                    "{body}"
                );
            }
        }
    }

    #[test]
    fn comma_joined_ids_decode_to_all_of_them() {
        let json = br#"{"RefreshTaskId":"704222904, 704222905,704222906","RequestId":"R"}"#;
        let ids: Vec<String> = CreateTasksResponse::decode_json(json)
            .unwrap()
            .task_ids
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(ids, ["704222904", "704222905", "704222906"]);
        let xml = b"<PushObjectCacheResponse><RequestId>R</RequestId><PushTaskId>1,2</PushTaskId></PushObjectCacheResponse>";
        let response = CreateTasksResponse::decode_xml(xml).unwrap();
        assert_eq!(
            (response.kind, response.task_ids.len()),
            (CreatedTaskKind::Push, 2)
        );
        assert!(CreateTasksResponse::decode_json(br#"{"RefreshTaskId":"1,,2","RequestId":"R"}"#).is_err());
    }

    #[test]
    fn another_root_is_named_against_the_refresh_root() {
        let body = b"<DescribeRefreshTasksResponse><RequestId>R</RequestId></DescribeRefreshTasksResponse>";
        assert_eq!(
            CreateTasksResponse::decode_xml(body),
            Err(DecodeError::XmlWrongRoot {
                expected: "RefreshObjectCachesResponse",
                found: "DescribeRefreshTasksResponse".into(),
            })
        );
    }
}
