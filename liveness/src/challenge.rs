//! The challenges and the random plan of two or three of them.

/// One action the citizen is asked to perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Challenge {
    /// Turn the head to the person's own left, then back.
    TurnLeft,
    /// Turn the head to the person's own right, then back.
    TurnRight,
    /// Nod: chin down (or up), then back.
    Nod,
    /// Close both eyes briefly, then open them.
    Blink,
}

impl Challenge {
    /// All challenges, in a fixed order.
    pub const ALL: [Challenge; 4] = [Self::TurnLeft, Self::TurnRight, Self::Nod, Self::Blink];

    /// The Chinese prompt shown on the screen.
    #[must_use]
    pub fn zh(self) -> &'static str {
        match self {
            Self::TurnLeft => "请慢慢向左转头，再转回来",
            Self::TurnRight => "请慢慢向右转头，再转回来",
            Self::Nod => "请点一下头",
            Self::Blink => "请眨一下眼睛",
        }
    }

    /// The English prompt (simple words).
    #[must_use]
    pub fn en(self) -> &'static str {
        match self {
            Self::TurnLeft => "Slowly turn your head to your left, then back",
            Self::TurnRight => "Slowly turn your head to your right, then back",
            Self::Nod => "Please nod once",
            Self::Blink => "Please blink once",
        }
    }
}

/// Why a plan could not be drawn (our misuse, not the citizen's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The count must be 2 or 3 (the reference: 2-3 challenges out of 4-5).
    #[error("challenge count {0} is outside 2..=3")]
    CountOutOfRange(u8),
    /// A challenge appears twice in a fixed plan.
    #[error("challenge {0:?} appears twice")]
    Repeated(Challenge),
}

/// An ordered list of two or three distinct challenges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengePlan {
    challenges: Vec<Challenge>,
}

impl ChallengePlan {
    /// Draws `count` (2 or 3) distinct challenges deterministically from `seed`; the caller supplies the randomness (e.g. from the OS).
    ///
    /// Because the challenges are distinct and at least two, a plan is never blinks only.
    pub fn draw(seed: u64, count: u8) -> Result<Self, PlanError> {
        if !(2..=3).contains(&count) {
            return Err(PlanError::CountOutOfRange(count));
        }
        let mut rng = XorShift64::new(seed);
        let mut all = Challenge::ALL;
        shuffle(&mut all, &mut rng);
        Ok(Self {
            challenges: all.iter().copied().take(usize::from(count)).collect(),
        })
    }

    /// Draws `count` (2 or 3) distinct challenges from `allowed` only, always including
    /// `required` when given, in a random order: for a detector that judges only some challenges
    /// reliably (the cascade path judges turns and blinks, not nods; a print waved sideways can
    /// look like a turn to it, so the blink, which a print cannot do, is required).
    ///
    /// # Errors
    /// [`PlanError::CountOutOfRange`] when `count` is outside 2..=3 or `allowed` (with
    /// `required`) has fewer than `count` distinct challenges.
    pub fn draw_among(
        seed: u64,
        count: u8,
        allowed: &[Challenge],
        required: Option<Challenge>,
    ) -> Result<Self, PlanError> {
        if !(2..=3).contains(&count) {
            return Err(PlanError::CountOutOfRange(count));
        }
        let mut pool: Vec<Challenge> = Challenge::ALL
            .iter()
            .copied()
            .filter(|c| allowed.contains(c) || Some(*c) == required)
            .collect();
        if pool.len() < usize::from(count) {
            return Err(PlanError::CountOutOfRange(count));
        }
        let mut rng = XorShift64::new(seed);
        shuffle(&mut pool, &mut rng);
        let mut chosen: Vec<Challenge> = pool.iter().copied().take(usize::from(count)).collect();
        if let Some(r) = required {
            if !chosen.contains(&r) {
                if let Some(last) = chosen.last_mut() {
                    *last = r;
                }
                shuffle(&mut chosen, &mut rng);
            }
        }
        Ok(Self { challenges: chosen })
    }

    /// A fixed plan (for tests and staff-configured sequences), with the same rules: 2 or 3, no repeats.
    pub fn fixed(challenges: &[Challenge]) -> Result<Self, PlanError> {
        let n = u8::try_from(challenges.len()).unwrap_or(u8::MAX);
        if !(2..=3).contains(&n) {
            return Err(PlanError::CountOutOfRange(n));
        }
        for (i, c) in challenges.iter().enumerate() {
            if challenges.iter().skip(i + 1).any(|d| d == c) {
                return Err(PlanError::Repeated(*c));
            }
        }
        Ok(Self {
            challenges: challenges.to_vec(),
        })
    }

    /// The challenges in the order they will be asked.
    #[must_use]
    pub fn challenges(&self) -> &[Challenge] {
        &self.challenges
    }
}

/// Fisher-Yates shuffle.
fn shuffle(items: &mut [Challenge], rng: &mut XorShift64) {
    for i in (1..items.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// Marsaglia's xorshift64; enough to vary the order, not a cryptographic generator.
struct XorShift64(u64);

impl XorShift64 {
    fn new(seed: u64) -> Self {
        // Zero is a fixed point of xorshift; mix the seed (splitmix64 step) and avoid it.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bad_counts_are_refused() {
        assert_eq!(
            ChallengePlan::draw(1, 1),
            Err(PlanError::CountOutOfRange(1))
        );
        assert_eq!(
            ChallengePlan::draw(1, 4),
            Err(PlanError::CountOutOfRange(4))
        );
    }

    #[test]
    fn fixed_plans_follow_the_same_rules() {
        use Challenge::*;
        assert_eq!(
            ChallengePlan::fixed(&[Blink]),
            Err(PlanError::CountOutOfRange(1))
        );
        assert_eq!(
            ChallengePlan::fixed(&[Nod, Nod]),
            Err(PlanError::Repeated(Nod))
        );
        assert_eq!(
            ChallengePlan::fixed(&[Nod, Blink]).unwrap().challenges(),
            &[Nod, Blink]
        );
    }

    #[test]
    fn same_seed_same_plan_and_seeds_vary_the_plan() {
        assert_eq!(ChallengePlan::draw(42, 3), ChallengePlan::draw(42, 3));
        let firsts: std::collections::HashSet<_> = (0..64)
            .map(|s| ChallengePlan::draw(s, 2).unwrap().challenges()[0])
            .collect();
        assert_eq!(firsts.len(), 4);
    }

    #[test]
    fn every_challenge_has_texts() {
        for c in Challenge::ALL {
            assert!(!c.zh().is_empty() && !c.en().is_empty());
        }
    }

    #[test]
    fn draws_among_allowed_refuse_too_small_pools() {
        use Challenge::*;
        assert_eq!(
            ChallengePlan::draw_among(1, 3, &[TurnLeft], Some(Blink)),
            Err(PlanError::CountOutOfRange(3))
        );
        assert_eq!(
            ChallengePlan::draw_among(1, 2, &[TurnLeft, Blink], None)
                .unwrap()
                .challenges()
                .len(),
            2
        );
    }

    proptest! {
        #[test]
        fn drawn_among_allowed_stays_inside_and_keeps_the_required_one(seed in any::<u64>(), count in 2u8..=3) {
            use Challenge::*;
            let allowed = [TurnLeft, TurnRight, Blink];
            let plan = ChallengePlan::draw_among(seed, count, &allowed, Some(Blink)).unwrap();
            let c = plan.challenges();
            prop_assert_eq!(c.len(), usize::from(count));
            prop_assert!(c.iter().all(|x| allowed.contains(x)));
            prop_assert!(c.contains(&Blink));
            let set: std::collections::HashSet<_> = c.iter().collect();
            prop_assert_eq!(set.len(), c.len());
        }

        #[test]
        fn plan_has_two_or_three_distinct_challenges_never_only_blinks(seed in any::<u64>(), count in 2u8..=3) {
            let plan = ChallengePlan::draw(seed, count).unwrap();
            let c = plan.challenges();
            prop_assert_eq!(c.len(), usize::from(count));
            let set: std::collections::HashSet<_> = c.iter().collect();
            prop_assert_eq!(set.len(), c.len());
            prop_assert!(c.iter().any(|x| *x != Challenge::Blink));
        }
    }
}
