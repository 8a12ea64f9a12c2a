//! Fault injection: what can go wrong ([`Fault`]), the rules that decide when ([`FaultRule`]),
//! and the blanket shorthand [`FaultConfig`].
//!
//! Rules are evaluated in order for each API request, before it is verified: a rule applies when
//! its action matches the action the request names (verified or not) and it has not used up its
//! count; it then fires with its rate's probability (a seeded draw). The first rule that fires
//! decides the fault; when none fires the request is served normally. (LocalStack's chaos rules
//! work the same way: in order, first match wins.)

use cdn_task_core::ErrorCode;
use std::time::Duration;

/// One kind of injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `500` with an `InternalError` body; the request is not processed.
    InternalError,
    /// `503` with a `ServiceUnavailable` body; the request is not processed.
    ServiceUnavailable,
    /// The answer comes after this delay; the request is processed normally.
    Delay(Duration),
    /// The connection is closed without an answer; the request is not processed.
    DropConnection,
    /// The request is processed, and the answer's body is cut off halfway (the declared
    /// `Content-Length` is the full one, then the connection closes).
    TruncatedBody,
    /// An error from the catalogue, with its documented status and message (for example
    /// `Throttling` or `QuotaExceeded.Refresh`); the request is not processed. A code the
    /// catalogue does not know is answered with status 500.
    Error(ErrorCode),
}

/// When to inject a [`Fault`]: for which action, how often, how many times.
///
/// ```
/// use cdn_task_mock::{Fault, FaultRule};
/// // The next two DescribeRefreshTaskById calls get a 503; everything else is served.
/// let rule = FaultRule::new(Fault::ServiceUnavailable)
///     .for_action("DescribeRefreshTaskById")
///     .with_count(2);
/// assert_eq!(rule.action(), Some("DescribeRefreshTaskById"));
/// assert_eq!(rule.remaining(), Some(2));
/// assert_eq!(rule.rate(), 1.0);
/// let flaky = FaultRule::new(Fault::InternalError).with_rate(0.25).unwrap();
/// assert!(FaultRule::new(Fault::InternalError).with_rate(1.5).is_err());
/// # let _ = flaky;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaultRule {
    fault: Fault,
    action: Option<String>,
    rate: f64,
    remaining: Option<u64>,
}

/// A rate (of faults, of failing tasks) that is not a number from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("a rate must be a number from 0 to 1, not {0}")]
#[non_exhaustive]
pub struct InvalidRate(pub f64);

impl InvalidRate {
    /// `rate` if it is a number from 0 to 1.
    pub(crate) fn check(rate: f64) -> Result<f64, InvalidRate> {
        if (0.0..=1.0).contains(&rate) {
            Ok(rate)
        } else {
            Err(InvalidRate(rate))
        }
    }
}

impl FaultRule {
    /// `fault` on every request, every time (rate 1, no count).
    pub fn new(fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            action: None,
            rate: 1.0,
            remaining: None,
        }
    }

    /// Only requests that name `action` (`Action` or `x-acs-action`, exactly).
    pub fn for_action(mut self, action: impl Into<String>) -> FaultRule {
        self.action = Some(action.into());
        self
    }

    /// Fires with probability `rate` (0 to 1) when it applies.
    pub fn with_rate(mut self, rate: f64) -> Result<FaultRule, InvalidRate> {
        self.rate = InvalidRate::check(rate)?;
        Ok(self)
    }

    /// Fires at most `count` times, then stays in the list with nothing left.
    pub fn with_count(mut self, count: u64) -> FaultRule {
        self.remaining = Some(count);
        self
    }

    /// The fault.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    /// The action it is limited to; `None`: every action.
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// The probability it fires when it applies.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// How many more times it may fire; `None`: no limit.
    pub fn remaining(&self) -> Option<u64> {
        self.remaining
    }

    /// Whether it applies to a request naming `action`.
    fn applies_to(&self, action: Option<&str>) -> bool {
        self.remaining != Some(0) && self.action.as_deref().is_none_or(|wanted| action == Some(wanted))
    }
}

/// Blanket fault injection: a share of all requests answered badly, the kind chosen uniformly
/// among `kinds`. The default injects nothing. It is shorthand for one [`FaultRule`] per kind
/// (see [`FaultConfig::into_rules`]).
///
/// ```
/// use cdn_task_mock::{Fault, FaultConfig};
/// let flaky = FaultConfig::new(0.2, vec![Fault::ServiceUnavailable, Fault::DropConnection]);
/// assert_eq!(flaky.into_rules().len(), 2);
/// assert!(FaultConfig::default().kinds.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct FaultConfig {
    /// The share of requests that get a fault, 0.0 to 1.0.
    pub rate: f64,
    /// The faults to choose among (uniformly).
    pub kinds: Vec<Fault>,
}

impl FaultConfig {
    /// A share `rate` (0 to 1; see [`into_rules`](Self::into_rules) for values outside) of all
    /// requests gets a fault, chosen uniformly among `kinds`.
    pub fn new(rate: f64, kinds: Vec<Fault>) -> FaultConfig {
        FaultConfig { rate, kinds }
    }

    /// Every request gets `fault`.
    pub fn always(fault: Fault) -> FaultConfig {
        FaultConfig::new(1.0, vec![fault])
    }

    /// The same behaviour as rules: rule `i` of `k` fires with probability
    /// `(rate/k) / (1 - i·rate/k)`, so that each kind ends up with `rate/k` of all requests.
    /// A rate outside 0 to 1 is clamped (NaN counts as 0).
    pub fn into_rules(self) -> Vec<FaultRule> {
        let count = self.kinds.len() as f64;
        let rate = if self.rate.is_nan() {
            0.0
        } else {
            self.rate.clamp(0.0, 1.0)
        };
        let share = rate / count.max(1.0);
        self.kinds
            .into_iter()
            .enumerate()
            .map(|(index, fault)| {
                let left = 1.0 - index as f64 * share;
                let conditional = if left > 0.0 {
                    (share / left).clamp(0.0, 1.0)
                } else {
                    1.0
                };
                FaultRule {
                    rate: conditional,
                    ..FaultRule::new(fault)
                }
            })
            .collect()
    }
}

/// Picks the fault for a request naming `action`: the first applicable rule whose draw
/// (`draw()`, uniform in `[0, 1)`, taken once per applicable rule) falls under its rate. A rule
/// that fires spends one of its count.
pub(crate) fn pick(
    rules: &mut [FaultRule],
    action: Option<&str>,
    mut draw: impl FnMut() -> f64,
) -> Option<Fault> {
    for rule in rules.iter_mut().filter(|rule| rule.applies_to(action)) {
        if draw() < rule.rate {
            if let Some(remaining) = &mut rule.remaining {
                *remaining -= 1;
            }
            return Some(rule.fault.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_applicable_rule_that_fires_wins_and_counts_run_out() {
        let mut rules = vec![
            FaultRule::new(Fault::InternalError).for_action("A").with_count(1),
            FaultRule::new(Fault::ServiceUnavailable),
        ];
        let always = || 0.0;
        assert_eq!(
            pick(&mut rules, Some("B"), always),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(pick(&mut rules, Some("A"), always), Some(Fault::InternalError));
        assert_eq!(rules[0].remaining(), Some(0));
        assert_eq!(
            pick(&mut rules, Some("A"), always),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(pick(&mut rules, None, always), Some(Fault::ServiceUnavailable));
        assert_eq!(pick(&mut [], Some("A"), always), None);
    }

    #[test]
    fn a_rule_fires_with_its_rate() {
        let mut rules = vec![FaultRule::new(Fault::DropConnection).with_rate(0.5).unwrap()];
        assert_eq!(pick(&mut rules, None, || 0.49), Some(Fault::DropConnection));
        assert_eq!(pick(&mut rules, None, || 0.5), None);
        let mut never = vec![FaultRule::new(Fault::DropConnection).with_rate(0.0).unwrap()];
        assert_eq!(pick(&mut never, None, || 0.0), None);
        for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
            assert!(
                FaultRule::new(Fault::InternalError).with_rate(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_blanket_config_splits_its_rate_evenly() {
        let rules = FaultConfig::new(
            0.6,
            vec![
                Fault::InternalError,
                Fault::ServiceUnavailable,
                Fault::DropConnection,
            ],
        )
        .into_rules();
        // P(rule i fires) = rate_i · Π_{j<i} (1 - rate_j) = 0.2 for each.
        let mut survive = 1.0;
        for rule in &rules {
            let fires = survive * rule.rate();
            assert!((fires - 0.2).abs() < 1e-12, "{fires}");
            survive *= 1.0 - rule.rate();
        }
        let all = FaultConfig::new(1.0, vec![Fault::InternalError, Fault::ServiceUnavailable]).into_rules();
        assert_eq!(all[1].rate(), 1.0);
        assert!(FaultConfig::default().into_rules().is_empty());
        assert_eq!(
            FaultConfig::always(Fault::TruncatedBody).into_rules()[0].rate(),
            1.0
        );
    }
}
