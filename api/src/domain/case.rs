//! Where a registration case stands: its status and its stage. Reference: "Code formats" (case
//! status; stages 受理 -> 审核 -> 登簿 -> 缮证 -> 发证/归档).

use super::code_enum::code_enum;

code_enum! {
    /// The outcome state of a case (办件状态).
    pub enum CaseStatus {
        /// 在办: still being handled.
        InProgress = "in_progress", "在办" | "办理中";
        /// 已办结: completed.
        Completed = "completed", "已办结" | "办结";
        /// 不予登记: refused.
        Refused = "refused", "不予登记";
        /// 撤回: withdrawn by the applicant.
        Withdrawn = "withdrawn", "撤回" | "已撤回";
    }
}

impl CaseStatus {
    /// Whether the case is closed (anything but 在办).
    pub const fn is_closed(self) -> bool {
        !matches!(self, CaseStatus::InProgress)
    }
}

code_enum! {
    /// The step a case is at (办理环节), ordered as the case moves through them.
    ///
    /// The reference's last step "发证/归档" is two values: a case issues its certificate, then is
    /// archived; a business that issues nothing (注销) goes from 缮证 or 登簿 straight to
    /// [`CaseStage::Archive`], which the ordering still allows.
    #[derive(PartialOrd, Ord)]
    pub enum CaseStage {
        /// 受理: application accepted.
        Accept = "accept", "受理";
        /// 审核: under review.
        Review = "review", "审核";
        /// 登簿: entered in the register.
        Register = "register", "登簿";
        /// 缮证: certificate being prepared.
        Prepare = "prepare", "缮证";
        /// 发证: certificate issued.
        Issue = "issue", "发证";
        /// 归档: archived (last step).
        Archive = "archive", "归档";
    }
}

impl CaseStage {
    /// The step that normally follows, or `None` after 归档.
    pub const fn next(self) -> Option<CaseStage> {
        match self {
            CaseStage::Accept => Some(CaseStage::Review),
            CaseStage::Review => Some(CaseStage::Register),
            CaseStage::Register => Some(CaseStage::Prepare),
            CaseStage::Prepare => Some(CaseStage::Issue),
            CaseStage::Issue => Some(CaseStage::Archive),
            CaseStage::Archive => None,
        }
    }

    /// Whether the right is already in the register (登簿 or later).
    pub fn is_registered(self) -> bool {
        self >= CaseStage::Register
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code_enum::check_list;

    #[test]
    fn status_contract() {
        check_list(CaseStatus::ALL, |v| v.as_str(), |v| v.chinese());
        assert!(!CaseStatus::InProgress.is_closed());
        assert!(CaseStatus::Refused.is_closed());
    }

    #[test]
    fn stage_contract_and_order() {
        check_list(CaseStage::ALL, |v| v.as_str(), |v| v.chinese());
        // next() walks ALL in order, and ALL is sorted.
        let mut walked = vec![CaseStage::Accept];
        while let Some(next) = walked.last().and_then(|s| s.next()) {
            assert!(next > *walked.last().unwrap());
            walked.push(next);
        }
        assert_eq!(walked, CaseStage::ALL);
        assert!(CaseStage::Register.is_registered());
        assert!(!CaseStage::Review.is_registered());
    }
}
