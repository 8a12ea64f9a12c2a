//! `read_path_list` and `PurgePlan::new` on arbitrary text, for every kind: never panics; a plan
//! holds every distinct valid path once, and each of its calls is one the service takes (its
//! paths build the kind's operation).
#![no_main]
use cdn_task_core::{
    PurgeKind, PurgePlan, PushObjectCache, RefreshObjectCaches, RefreshType, read_path_list,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for kind in [
        PurgeKind::Refresh(RefreshType::File),
        PurgeKind::Refresh(RefreshType::Directory),
        PurgeKind::Refresh(RefreshType::Regex),
        PurgeKind::Preload,
    ] {
        let Ok(plan) = PurgePlan::new(kind, read_path_list(text)) else {
            continue;
        };
        let mut count = 0;
        for call in plan.calls() {
            let paths: Vec<String> = call.paths.iter().map(str::to_owned).collect();
            count += paths.len();
            assert_eq!(call.origins.len(), paths.len());
            let built = match kind {
                PurgeKind::Refresh(refresh) => RefreshObjectCaches::new(paths, refresh).map(drop),
                PurgeKind::Preload => PushObjectCache::new(paths).map(drop),
            };
            if let Err(error) = built {
                panic!("a planned call is refused: {error}");
            }
        }
        assert_eq!(count, plan.path_count());
        assert_eq!(plan.paths().len(), count);
    }
});
