//! Every happy path in both signature schemes and both formats.

use crate::common::{COMBINATIONS, builder, calls_of, start};
use cdn_task_core::{PreloadArea, RefreshType, TaskIdList, TaskStatus};
use cdn_task_mock::MockConfig;

#[tokio::test]
async fn refresh_preload_describe_and_quota_in_every_scheme_and_format() {
    for (scheme, format) in COMBINATIONS {
        let server = start(MockConfig::default()).await;
        let client = builder(&server)
            .signature_version(scheme)
            .format(format)
            .build()
            .unwrap();
        let context = format!("{scheme:?}/{format:?}");

        let refreshed = client
            .refresh(
                ["http://example.com/a.js", "http://example.com/b.css"],
                RefreshType::File,
                cdn_task_core::Force::IfChanged,
            )
            .await
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        assert_eq!(refreshed.task_ids.len(), 2, "{context}");
        assert!(!refreshed.request_id.is_empty());
        let preloaded = client
            .preload(["http://example.com/big.bin"], Some(PreloadArea::Domestic))
            .await
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        assert_eq!(preloaded.task_ids.len(), 1, "{context}");

        let ids = TaskIdList::new(refreshed.task_ids.iter().chain(&preloaded.task_ids).copied()).unwrap();
        let described = client
            .describe(&ids)
            .await
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        assert_eq!(described.total_count, 3, "{context}");
        assert!(described.missing_ids(&ids).is_empty(), "{context}");
        for task in &described.tasks {
            assert!(
                matches!(task.status, TaskStatus::Pending | TaskStatus::Refreshing),
                "{context}: {task:?}"
            );
        }
        assert_eq!(
            described.task(&ids.ids()[0]).unwrap().object_path,
            "http://example.com/a.js"
        );

        let quota = client
            .quota()
            .await
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        assert!(quota.url.remain < quota.url.quota, "{context}: {quota:?}");

        // The mock saw the scheme and format asked for, once per call.
        let calls = calls_of(&server, "DescribeRefreshTaskById");
        assert_eq!(calls.len(), 1, "{context}");
        assert_eq!(
            (calls[0].scheme, calls[0].format, calls[0].status),
            (scheme, format, Some(200))
        );
        assert_eq!(server.received().len(), 4, "{context}");
        drop(client);
        server.shutdown().await;
    }
}
