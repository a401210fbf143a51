//! Why a citizen queries the register (查询目的): a query-result certificate must state it
//! (Reference: "Law that shapes the flows", 实施细则 Art. 102).

use super::code_enum::code_enum;

code_enum! {
    /// The purpose stated on a query-result certificate.
    pub enum QueryPurpose {
        /// 购房资格: purchase-qualification check.
        PurchaseQualification = "purchase_qualification", "购房资格" | "购房资格审核";
        /// 入学: school enrolment.
        SchoolEnrolment = "school_enrolment", "入学" | "子女入学";
        /// 贷款: bank loan.
        Loan = "loan", "贷款" | "申请贷款";
        /// 诉讼: litigation.
        Litigation = "litigation", "诉讼";
        /// 落户: household registration (户口).
        HouseholdRegistration = "household_registration", "落户";
        /// 社会保障: housing benefits and social assistance.
        SocialBenefits = "social_benefits", "社会保障" | "住房保障" | "社会救助";
        /// 其他: any other purpose.
        Other = "other", "其他";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code_enum::check_list;

    #[test]
    fn contract() {
        check_list(QueryPurpose::ALL, |v| v.as_str(), |v| v.chinese());
    }
}
