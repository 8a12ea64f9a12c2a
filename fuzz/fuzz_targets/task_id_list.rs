//! `TaskIdList::from_str` and `TaskId::from_str` on any text: never panic; an accepted list holds
//! 1 to 10 distinct IDs, each written in the input, and renders to a canonical form that parses
//! back to the same list; an accepted ID is the input itself, and as a list it is a list of one.
#![no_main]
use cdn_task_core::{MAX_IDS_PER_CALL, TaskId, TaskIdList};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(list) = text.parse::<TaskIdList>() {
        assert!(
            (1..=MAX_IDS_PER_CALL).contains(&list.len()),
            "{list:?} has {} IDs",
            list.len()
        );
        for (index, id) in list.ids().iter().enumerate() {
            assert!(!list.ids()[..index].contains(id), "{list:?} repeats {id}");
            assert!(
                text.split(',')
                    .any(|element| element.trim_matches(' ') == id.as_str()),
                "{id} is not an element of {text:?}"
            );
        }
        let canonical = list.to_string();
        assert_eq!(
            canonical.parse::<TaskIdList>().as_ref(),
            Ok(&list),
            "{canonical:?}"
        );
        assert_eq!(TaskIdList::new(list.ids().iter().copied()).as_ref(), Ok(&list));
    }
    if let Ok(id) = text.parse::<TaskId>() {
        assert_eq!(id.as_str(), text);
        let single = text.parse::<TaskIdList>().map(|list| list.ids().to_vec());
        assert_eq!(single, Ok(vec![id]));
    }
});
