//! The coded fields of a registered unit as printed on a query-result certificate. Reference:
//! "The query-result certificate (A4)" (共有情况, 土地权利性质, 权属状态, restrictions).

use super::code_enum::code_enum;

code_enum! {
    /// How a unit is held (共有情况).
    pub enum CoOwnership {
        /// 单独所有: one holder.
        Sole = "sole", "单独所有";
        /// 共同共有: joint ownership, no shares.
        Joint = "joint", "共同共有";
        /// 按份共有: ownership in shares (the shares are printed beside it).
        InShares = "in_shares", "按份共有";
    }
}

code_enum! {
    /// A restriction or third-party right printed under a unit.
    pub enum RestrictionKind {
        /// 抵押: mortgage.
        Mortgage = "mortgage", "抵押";
        /// 查封: seizure (including waiting and pre-seizure, see [`SeizureKind`]).
        Seizure = "seizure", "查封";
        /// 异议: objection.
        Objection = "objection", "异议";
        /// 预告: advance notice (预告 or 预抵押).
        AdvanceNotice = "advance_notice", "预告";
        /// 居住权: right of residence.
        ResidenceRight = "residence_right", "居住权";
        /// 地役权: easement.
        Easement = "easement", "地役权";
        /// 锁定: administrative lock.
        Lock = "lock", "锁定";
    }
}

code_enum! {
    /// The type of a seizure (查封类型).
    pub enum SeizureKind {
        /// 查封: seizure in force.
        Seizure = "seizure", "查封";
        /// 轮候查封: queued behind an earlier seizure.
        Waiting = "waiting", "轮候查封" | "轮候";
        /// 预查封: seizure of a unit not yet registered to the debtor.
        PreSeizure = "pre_seizure", "预查封";
    }
}

code_enum! {
    /// The type of a mortgage (抵押方式).
    pub enum MortgageKind {
        /// 一般抵押: secures one debt.
        General = "general", "一般抵押" | "一般";
        /// 最高额抵押: secures debts up to a maximum amount.
        Maximum = "maximum", "最高额抵押" | "最高额";
    }
}

code_enum! {
    /// Whether a record is in force (权属状态).
    pub enum RecordStatus {
        /// 现势: in force.
        Current = "current", "现势";
        /// 历史: superseded.
        Historical = "historical", "历史";
    }
}

code_enum! {
    /// How the land right was obtained (土地权利性质).
    pub enum LandRightNature {
        /// 出让: granted for a fee.
        Granted = "granted", "出让";
        /// 划拨: allocated without a fee.
        Allocated = "allocated", "划拨";
        /// 作价出资(入股): contributed as capital.
        CapitalContribution = "capital_contribution", "作价出资(入股)" | "作价出资（入股）" | "作价出资" | "作价入股";
        /// 租赁: leased from the state.
        Leased = "leased", "租赁" | "国有土地租赁";
        /// 授权经营: operated under state authorisation.
        AuthorisedOperation = "authorised_operation", "授权经营";
        /// 其他: anything else, including collective land.
        Other = "other", "其他";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code_enum::check_list;

    #[test]
    fn contracts() {
        check_list(CoOwnership::ALL, |v| v.as_str(), |v| v.chinese());
        check_list(RestrictionKind::ALL, |v| v.as_str(), |v| v.chinese());
        check_list(SeizureKind::ALL, |v| v.as_str(), |v| v.chinese());
        check_list(MortgageKind::ALL, |v| v.as_str(), |v| v.chinese());
        check_list(RecordStatus::ALL, |v| v.as_str(), |v| v.chinese());
        check_list(LandRightNature::ALL, |v| v.as_str(), |v| v.chinese());
    }

    #[test]
    fn short_forms_from_the_reference() {
        assert_eq!("轮候".parse(), Ok(SeizureKind::Waiting));
        assert_eq!("最高额".parse(), Ok(MortgageKind::Maximum));
        assert_eq!("一般".parse(), Ok(MortgageKind::General));
    }
}
