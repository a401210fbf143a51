//! What a registration case is about: the business type (登记类型) and the right registered
//! (权利类型). Reference: "Code formats" (business types); right types follow the certificate's
//! 权利类型 field.

use super::code_enum::code_enum;

code_enum! {
    /// The kind of registration a case performs (登记类型).
    pub enum BusinessType {
        /// 首次登记: first registration of a unit.
        First = "first", "首次登记" | "首次";
        /// 转移登记: transfer to a new holder (sale, gift, inheritance).
        Transfer = "transfer", "转移登记" | "转移";
        /// 变更登记: change of the holder's name, the area, the use, or similar.
        Change = "change", "变更登记" | "变更";
        /// 注销登记: cancellation of a right.
        Cancellation = "cancellation", "注销登记" | "注销";
        /// 更正登记: correction of an error in the register.
        Correction = "correction", "更正登记" | "更正";
        /// 异议登记: an objection against the register's content.
        Objection = "objection", "异议登记" | "异议";
        /// 预告登记: advance notice securing a future right.
        AdvanceNotice = "advance_notice", "预告登记" | "预告";
        /// 查封登记: seizure ordered by a court or authority.
        Seizure = "seizure", "查封登记" | "查封";
        /// 抵押登记: mortgage registration.
        Mortgage = "mortgage", "抵押登记" | "抵押" | "抵押权登记";
        /// 其他登记: any other business.
        Other = "other", "其他登记" | "其他";
    }
}

code_enum! {
    /// The right a unit is registered under (权利类型), as printed on the certificate.
    pub enum RightType {
        /// 集体土地所有权: collective land ownership.
        CollectiveLandOwnership = "collective_land_ownership", "集体土地所有权";
        /// 国有建设用地使用权: state construction land use right, without a building.
        StateConstructionLand = "state_construction_land", "国有建设用地使用权";
        /// 国有建设用地使用权/房屋所有权: state land with the building on it (most urban homes).
        StateConstructionLandAndHouse = "state_construction_land_and_house",
            "国有建设用地使用权/房屋所有权";
        /// 宅基地使用权: rural homestead use right, without a building.
        Homestead = "homestead", "宅基地使用权";
        /// 宅基地使用权/房屋所有权: rural homestead with the house on it.
        HomesteadAndHouse = "homestead_and_house", "宅基地使用权/房屋所有权";
        /// 集体建设用地使用权: collective construction land use right, without a building.
        CollectiveConstructionLand = "collective_construction_land", "集体建设用地使用权";
        /// 集体建设用地使用权/房屋所有权: collective construction land with the building on it.
        CollectiveConstructionLandAndHouse = "collective_construction_land_and_house",
            "集体建设用地使用权/房屋所有权";
        /// 土地承包经营权: rural land contract right.
        LandContract = "land_contract", "土地承包经营权";
        /// 林地使用权: forest land use right.
        ForestLand = "forest_land", "林地使用权";
        /// 海域使用权: sea area use right.
        SeaArea = "sea_area", "海域使用权";
        /// 抵押权: mortgage (registered on a proof, not a certificate).
        Mortgage = "mortgage", "抵押权";
        /// 地役权: easement.
        Easement = "easement", "地役权";
        /// 居住权: right of residence (Civil Code, 2021).
        Residence = "residence", "居住权";
    }
}

impl RightType {
    /// Whether the right includes ownership of a building (房屋所有权).
    pub const fn includes_house(self) -> bool {
        matches!(
            self,
            RightType::StateConstructionLandAndHouse
                | RightType::HomesteadAndHouse
                | RightType::CollectiveConstructionLandAndHouse
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code_enum::check_list;

    #[test]
    fn business_type_contract() {
        check_list(BusinessType::ALL, |v| v.as_str(), |v| v.chinese());
        assert_eq!(BusinessType::ALL.len(), 10);
        assert_eq!("转移".parse(), Ok(BusinessType::Transfer));
        assert_eq!("抵押权登记".parse(), Ok(BusinessType::Mortgage));
    }

    #[test]
    fn right_type_contract() {
        check_list(RightType::ALL, |v| v.as_str(), |v| v.chinese());
        assert!(RightType::StateConstructionLandAndHouse.includes_house());
        assert!(!RightType::Mortgage.includes_house());
    }
}
