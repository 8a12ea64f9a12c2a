//! The mock's random choices, from one seed: request IDs, task fates, faults.
//!
//! Each concern draws from its own stream, so one does not shift another: the n-th task created
//! fails or not regardless of how many request IDs were handed out before it.

use crate::fault::{Fault, FaultRule, pick};
use crate::progress::Fate;
use cdn_task_core::FailureReason;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The three random streams.
#[derive(Debug)]
pub(crate) struct Randomness {
    request_ids: StdRng,
    fates: StdRng,
    faults: StdRng,
}

/// Keeps the streams of one seed apart (arbitrary distinct constants).
const STREAMS: [u64; 3] = [
    0x5245_5155_4553_5449,
    0x4641_5445_5346_4154,
    0x4641_554c_5453_4641,
];

impl Randomness {
    pub(crate) fn new(seed: u64) -> Randomness {
        let stream = |index: usize| StdRng::seed_from_u64(seed ^ STREAMS[index]);
        Randomness {
            request_ids: stream(0),
            fates: stream(1),
            faults: stream(2),
        }
    }

    /// A fresh request ID shaped like the service's: a version-4 UUID in upper-case hex
    /// (`E0C2EF95-B1EC-4C93-855E-2059A7DA2B7B`).
    pub(crate) fn request_id(&mut self) -> String {
        let bits: u128 = self.request_ids.random();
        let bits = (bits & !(0xF << 76)) | (0x4 << 76); // version 4
        let bits = (bits & !(0x3 << 62)) | (0x2 << 62); // RFC 4122 variant
        let hex = format!("{bits:032X}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// How a newly created task will end: failed with probability `fail_rate`, with one of the
    /// documented reasons.
    pub(crate) fn fate(&mut self, fail_rate: f64) -> Fate {
        let draw: f64 = self.fates.random();
        if draw < fail_rate {
            const REASONS: [FailureReason; 3] = [
                FailureReason::InternalError,
                FailureReason::OriginTimeout,
                FailureReason::OriginReturnStatusCode5xx,
            ];
            let reason = &REASONS[self.fates.random_range(0..REASONS.len())];
            Fate::Fail(reason.clone())
        } else {
            Fate::Complete
        }
    }

    /// The fault a request naming `action` gets under `rules`, if any (see [`pick`]).
    pub(crate) fn fault(&mut self, rules: &mut [FaultRule], action: Option<&str>) -> Option<Fault> {
        let stream = &mut self.faults;
        pick(rules, action, || stream.random())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_the_service_s_and_repeat_per_seed() {
        let mut a = Randomness::new(7);
        let mut b = Randomness::new(7);
        let id = a.request_id();
        assert_eq!(id, b.request_id());
        assert_eq!(id.len(), 36);
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert!(groups[2].starts_with('4'));
        assert_ne!(id, a.request_id());
        assert_ne!(id, Randomness::new(8).request_id());
    }

    #[test]
    fn fates_follow_the_rate_and_do_not_depend_on_other_streams() {
        let mut a = Randomness::new(1);
        let mut b = Randomness::new(1);
        for _ in 0..5 {
            b.request_id();
        }
        let fates_a: Vec<Fate> = (0..50).map(|_| a.fate(0.5)).collect();
        let fates_b: Vec<Fate> = (0..50).map(|_| b.fate(0.5)).collect();
        assert_eq!(fates_a, fates_b);
        let failed = fates_a.iter().filter(|f| matches!(f, Fate::Fail(_))).count();
        assert!((5..45).contains(&failed), "{failed}");
        assert!((0..20).all(|_| a.fate(1.0) != Fate::Complete));
        assert!((0..20).all(|_| a.fate(0.0) == Fate::Complete));
    }

    #[test]
    fn faults_follow_the_rules_and_repeat_per_seed() {
        use crate::fault::FaultConfig;
        let mut random = Randomness::new(3);
        assert_eq!(random.fault(&mut [], Some("A")), None);
        let mut always = FaultConfig::always(Fault::ServiceUnavailable).into_rules();
        assert!((0..20).all(|_| random.fault(&mut always, None) == Some(Fault::ServiceUnavailable)));
        let mut mixed = FaultConfig::new(1.0, vec![Fault::InternalError, Fault::DropConnection]).into_rules();
        let drawn: Vec<Fault> = (0..40).filter_map(|_| random.fault(&mut mixed, None)).collect();
        assert_eq!(drawn.len(), 40);
        assert!(drawn.contains(&Fault::InternalError) && drawn.contains(&Fault::DropConnection));
        let mut again = Randomness::new(3);
        let mut always = FaultConfig::always(Fault::ServiceUnavailable).into_rules();
        (0..20).for_each(|_| {
            again.fault(&mut always, None);
        });
        let replay: Vec<Fault> = (0..40).filter_map(|_| again.fault(&mut mixed, None)).collect();
        assert_eq!(replay, drawn, "same seed, same faults");
    }
}
