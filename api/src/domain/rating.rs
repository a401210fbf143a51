//! Service ratings (好差评). Reference: "Code formats" (five levels, reasons for dissatisfaction,
//! one rating per case).

use super::code_enum::{CodeError, code_enum};
use std::cmp::Ordering;

code_enum! {
    /// How satisfied a citizen is, best first; compares by [`RatingLevel::score`].
    pub enum RatingLevel {
        /// 非常满意, score 5.
        VerySatisfied = "very_satisfied", "非常满意";
        /// 满意, score 4.
        Satisfied = "satisfied", "满意";
        /// 基本满意, score 3.
        FairlySatisfied = "fairly_satisfied", "基本满意";
        /// 不满意, score 2.
        Dissatisfied = "dissatisfied", "不满意";
        /// 非常不满意, score 1.
        VeryDissatisfied = "very_dissatisfied", "非常不满意";
    }
}

impl RatingLevel {
    /// The numeric score, 5 (非常满意) down to 1 (非常不满意).
    pub const fn score(self) -> u8 {
        match self {
            RatingLevel::VerySatisfied => 5,
            RatingLevel::Satisfied => 4,
            RatingLevel::FairlySatisfied => 3,
            RatingLevel::Dissatisfied => 2,
            RatingLevel::VeryDissatisfied => 1,
        }
    }

    /// The level with this score.
    pub fn from_score(score: u8) -> Result<RatingLevel, CodeError> {
        RatingLevel::ALL
            .iter()
            .copied()
            .find(|l| l.score() == score)
            .ok_or(CodeError::Number {
                list: "RatingLevel",
                found: score,
            })
    }

    /// Whether this is a "差评" (不满意 or 非常不满意), which asks for a [`RatingReason`].
    pub const fn is_dissatisfied(self) -> bool {
        self.score() <= 2
    }
}

impl PartialOrd for RatingLevel {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RatingLevel {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score().cmp(&other.score())
    }
}

code_enum! {
    /// Why a citizen is dissatisfied.
    pub enum RatingReason {
        /// 等候时间长: waited too long.
        LongWait = "long_wait", "等候时间长";
        /// 服务态度差: staff attitude.
        Attitude = "attitude", "服务态度差" | "服务态度";
        /// 办事环境差: the hall's environment.
        Environment = "environment", "办事环境差" | "办事环境";
        /// 办事效率低: slow or inefficient handling.
        Efficiency = "efficiency", "办事效率低" | "办事效率";
        /// 其他: any other reason.
        Other = "other", "其他";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code_enum::check_list;

    #[test]
    fn contracts() {
        check_list(RatingLevel::ALL, |v| v.as_str(), |v| v.chinese());
        check_list(RatingReason::ALL, |v| v.as_str(), |v| v.chinese());
    }

    #[test]
    fn scores_and_order() {
        let scores: Vec<u8> = RatingLevel::ALL.iter().map(|l| l.score()).collect();
        assert_eq!(scores, [5, 4, 3, 2, 1]);
        for level in RatingLevel::ALL {
            assert_eq!(RatingLevel::from_score(level.score()), Ok(*level));
        }
        assert!(RatingLevel::from_score(0).is_err());
        assert!(RatingLevel::from_score(6).is_err());
        assert!(RatingLevel::VerySatisfied > RatingLevel::Satisfied);
        assert_eq!(
            RatingLevel::ALL.iter().max(),
            Some(&RatingLevel::VerySatisfied)
        );
        let unhappy: Vec<_> = RatingLevel::ALL
            .iter()
            .filter(|l| l.is_dissatisfied())
            .collect();
        assert_eq!(
            unhappy,
            [&RatingLevel::Dissatisfied, &RatingLevel::VeryDissatisfied]
        );
    }
}
