//! How a citizen receives a certificate (领证方式). Reference: "Code formats" (pickup methods
//! 1 courier, 2 window, 3 self-print, 4 electronic).

use super::code_enum::{CodeError, code_enum};

code_enum! {
    /// The way a certificate reaches its holder; also has a numeric code (1..=4).
    pub enum PickupMethod {
        /// 1, 邮寄: courier delivery by EMS.
        Courier = "courier", "邮寄" | "EMS邮寄";
        /// 2, 窗口领取: collected at the hall's window.
        Window = "window", "窗口领取";
        /// 3, 自助打证: printed at a self-service kiosk.
        SelfPrint = "self_print", "自助打证";
        /// 4, 电子证照: electronic certificate only.
        Electronic = "electronic", "电子证照";
    }
}

impl PickupMethod {
    /// The numeric code used by the central system (1 courier, 2 window, 3 self-print,
    /// 4 electronic).
    pub const fn code(self) -> u8 {
        match self {
            PickupMethod::Courier => 1,
            PickupMethod::Window => 2,
            PickupMethod::SelfPrint => 3,
            PickupMethod::Electronic => 4,
        }
    }

    /// The method with this numeric code.
    pub fn from_code(code: u8) -> Result<PickupMethod, CodeError> {
        PickupMethod::ALL
            .iter()
            .copied()
            .find(|m| m.code() == code)
            .ok_or(CodeError::Number {
                list: "PickupMethod",
                found: code,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code_enum::check_list;

    #[test]
    fn contract() {
        check_list(PickupMethod::ALL, |v| v.as_str(), |v| v.chinese());
    }

    #[test]
    fn numeric_codes_from_the_reference() {
        assert_eq!(PickupMethod::from_code(1), Ok(PickupMethod::Courier));
        assert_eq!(PickupMethod::from_code(2), Ok(PickupMethod::Window));
        assert_eq!(PickupMethod::from_code(3), Ok(PickupMethod::SelfPrint));
        assert_eq!(PickupMethod::from_code(4), Ok(PickupMethod::Electronic));
        for bad in [0, 5, 255] {
            assert_eq!(
                PickupMethod::from_code(bad),
                Err(CodeError::Number {
                    list: "PickupMethod",
                    found: bad
                })
            );
        }
        assert_eq!(
            PickupMethod::from_code(9).unwrap_err().to_string(),
            "PickupMethod has no numeric code 9"
        );
    }
}
