//! Purges at scale from the command line (`--from-file`, `--allow-partial`, `--dry-run`),
//! `list`, `quota`, and a purge whose answer is cut after the service acted.

use crate::common::{Run, Setup, task_ids};
use crate::proxy::{Mode, Proxy};
use cdn_task_mock::{DailyQuotas, MockConfig};
use std::time::Duration;

/// `count` URLs over `domains` domains, one per line, with a comment and a blank line.
fn url_lines(count: usize, domains: usize) -> String {
    let mut text = String::from("# changed files\n\n");
    for n in 0..count {
        text.push_str(&format!("https://d{}.example.com/{n}.js\n", n % domains));
    }
    text
}

fn refresh_calls(setup: &Setup) -> usize {
    setup
        .mock
        .received()
        .iter()
        .filter(|call| call.action.as_deref() == Some("RefreshObjectCaches"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_five_hundred_urls_from_stdin_are_split_submitted_and_all_waited_for() {
    let setup = Setup::with_config(MockConfig::default().with_task_duration(Duration::ZERO)).await;
    let input = url_lines(2_500, 12);
    // The plan first: no call over 1,000 URLs or 10 domains, nothing sent.
    let plan = setup
        .run_with_input(
            &["refresh", "--from-file", "-", "--dry-run", "--output", "json"],
            &input,
        )
        .await;
    let plan = plan.expect_code(0).json();
    assert_eq!(plan["QuotaNeeded"], 2_500);
    let calls = plan["Calls"].as_array().unwrap();
    for call in calls {
        assert!(call["Paths"].as_array().unwrap().len() <= 1_000, "{call}");
        assert!(call["Domains"].as_u64().unwrap() <= 10, "{call}");
    }
    assert!(setup.mock.received().is_empty(), "a dry run sends nothing");
    // Then for real, waiting for every task created.
    let run = setup
        .run_with_input(
            &[
                "refresh",
                "--from-file",
                "-",
                "--wait",
                "--output",
                "json",
                "--min-interval",
                "100ms",
            ],
            &input,
        )
        .await;
    run.expect_code(0);
    assert_eq!(refresh_calls(&setup), calls.len());
    let report = run.json();
    assert_eq!(task_ids(&report).len(), 2_500);
    assert!(
        report["Tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["Status"] == "Complete")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_quota_nothing_is_sent_unless_partial_is_allowed() {
    let mut quotas = DailyQuotas::default();
    quotas.url = 1_000;
    let setup = Setup::with_config(MockConfig::default().with_daily_quotas(quotas)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("urls.txt");
    std::fs::write(&file, url_lines(1_500, 2)).unwrap();
    let file = file.to_str().unwrap();
    let run = setup.run(&["refresh", "--from-file", file]).await;
    run.expect_code(3);
    assert!(
        run.stderr
            .contains("needs 1500 of today's URL refresh quota and 1000 is left"),
        "{run:?}"
    );
    assert!(run.stderr.contains("--allow-partial"), "{run:?}");
    assert_eq!(refresh_calls(&setup), 0);

    let run = setup
        .run(&[
            "refresh",
            "--from-file",
            file,
            "--allow-partial",
            "--output",
            "json",
        ])
        .await;
    run.expect_code(3);
    let report = run.json();
    assert_eq!(report["TaskIds"].as_array().unwrap().len(), 1_000);
    assert_eq!(report["RequestIds"].as_array().unwrap().len(), 1);
    let failed = &report["Failed"][0];
    assert_eq!(failed["Code"], "QuotaExceeded.Refresh");
    assert_eq!(failed["Paths"].as_array().unwrap().len(), 500);
    assert_eq!(failed["Paths"][0], "https://d0.example.com/1000.js");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_path_is_exit_2_with_its_line_before_anything_is_sent() {
    let setup = Setup::quick().await;
    let input = "https://a.com/ok.js\n# fine\nftp://a.com/bad\nhttps://a.com/x\nhttps://\n";
    let run = setup
        .run_with_input(&["refresh", "https://a.com/arg.js", "--from-file", "-"], input)
        .await;
    run.expect_code(2);
    assert!(run.stderr.contains("line 3: `ftp://a.com/bad`"), "{run:?}");
    assert!(run.stderr.contains("line 5: `https://` has no host"), "{run:?}");
    assert!(setup.mock.received().is_empty());
    let run = setup.run(&["refresh"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("no paths were given"), "{run:?}");
    let run = setup
        .run(&["refresh", "--from-file", "/nonexistent/urls.txt"])
        .await;
    run.expect_code(2);
    assert!(run.stderr.contains("/nonexistent/urls.txt"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_limits_and_formats() {
    let setup = Setup::quick().await;
    setup.refresh(3).await;
    setup
        .run(&["refresh", "--type", "directory", "https://example.com/static/"])
        .await
        .expect_code(0);
    let list = |format: &'static str, filters: &'static [&'static str]| {
        let mut args = vec!["list", "--response-format", format, "--output", "json"];
        args.extend_from_slice(filters);
        let setup = &setup;
        async move { setup.run(&args).await.expect_code(0).json() }
    };
    for format in ["json", "xml"] {
        let report = list(format, &["--limit", "2"]).await;
        assert_eq!(report["TotalCount"], 4, "{report}");
        assert_eq!(task_ids(&report).len(), 2);
        let report = list(format, &["--type", "directory", "--since", "1h"]).await;
        assert_eq!(report["TotalCount"], 1);
        assert_eq!(report["Tasks"][0]["ObjectPath"], "https://example.com/static/");
    }
    let run = setup.run(&["list", "--path", "https://example.com/1.js"]).await;
    run.expect_code(0);
    assert!(run.stdout.contains("https://example.com/1.js"), "{run:?}");
    assert!(run.stdout.ends_with("1 of 1 task(s)\n"), "{run:?}");
    // Older than three days: refused before anything is sent.
    let before = setup.mock.received().len();
    setup.run(&["list", "--since", "100h"]).await.expect_code(2);
    assert_eq!(setup.mock.received().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_as_a_table_and_in_the_api_field_names() {
    let setup = Setup::quick().await;
    setup.refresh(2).await;
    let run: Run = setup.run(&["quota", "--output", "json"]).await;
    let quota = run.expect_code(0).json();
    assert_eq!(quota["UrlQuota"], "10000");
    assert_eq!(quota["UrlRemain"], "9998");
    assert!(quota["RequestId"].is_string());
    let run = setup.run(&["quota"]).await;
    run.expect_code(0);
    assert!(run.stdout.contains("URL refresh"), "{run:?}");
    assert!(run.stdout.contains("9998"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_directories_whose_answer_is_cut_exit_0_with_sixty_ids_and_sixty_purges() {
    let setup = Setup::quick().await;
    let proxy = Proxy::start(setup.mock.addr(), Mode::CutAnswer, usize::MAX).await;
    let dirs: String = (0..60).map(|n| format!("https://example.com/d{n}/\n")).collect();
    let mut command = crate::common::clean_command(setup.home.path());
    command
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
        .args([
            "--endpoint",
            &proxy.base_url(),
            "refresh",
            "--type",
            "directory",
            "--from-file",
            "-",
        ]);
    let run = crate::common::run_with_input(command, dirs).await;
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 60, "{run:?}");
    assert_eq!(refresh_calls(&setup), 1, "sent once");
    let quota = setup.run(&["quota", "--output", "json"]).await.json();
    assert_eq!(quota["DirRemain"], "40", "60 purges, not 120");
}
