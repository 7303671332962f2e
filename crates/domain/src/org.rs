//! The bank's own organisation: branches (网点) and staff (员工) with roles.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BranchId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffId(pub i64);

string_enum! {
    /// HQ → region → branch → sub-branch (总行 → 分行 → 支行 → 网点).
    pub enum BranchLevel {
        Hq => "hq",
        Region => "region",
        Branch => "branch",
        SubBranch => "sub_branch",
    }
}

string_enum! {
    pub enum Role {
        /// 客户经理
        Rm => "rm",
        /// 网点/支行负责人
        BranchManager => "branch_manager",
        /// 呼叫中心坐席
        ServiceAgent => "service_agent",
        /// 数据管家
        DataSteward => "data_steward",
        Marketing => "marketing",
        Auditor => "auditor",
        Admin => "admin",
    }
}

/// A staff login name: 3–32 characters of lower-case ASCII letters, digits, `.`, `_`, `-`,
/// starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let s = input.trim();
        let len = s.chars().count();
        if !(3..=32).contains(&len) {
            return Err(InvalidValue::new(format!(
                "username must have 3–32 characters, got {len}"
            )));
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(InvalidValue::new(
                "username must start with a lower-case letter",
            ));
        }
        if let Some(c) = s.chars().find(|c| {
            !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        }) {
            return Err(InvalidValue::new(format!(
                "username may not contain '{c}' (use a-z, 0-9, '.', '_', '-')"
            )));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> Self {
        u.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("rm.zhang").is_ok());
        assert!(Username::parse("Zhang").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("rm zhang").is_err());
    }
}
