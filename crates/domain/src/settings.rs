use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// Bank-wide settings every module needs: times are stored in UTC and shown in `time_zone`;
/// amounts without an explicit currency are in `base_currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BankSettings {
    pub name: String,
    pub time_zone: Tz,
    pub base_currency: Currency,
}

impl Default for BankSettings {
    fn default() -> Self {
        Self {
            name: "Rapport Demo Bank".to_owned(),
            time_zone: chrono_tz::Asia::Shanghai,
            base_currency: Currency::Cny,
        }
    }
}
