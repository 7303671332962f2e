//! The next birthday of a customer, by the solar (公历) or the lunar (农历) calendar.
use chinese_lunisolar_calendar::LunisolarDate;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which calendar a customer keeps their birthday by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BirthdayCalendar {
    Solar,
    Lunar,
}

/// The first birthday on or after `today`. A 29 February birthday falls on 28 February in
/// other years; a lunar birthday on the 30th of a month that has 29 days this year falls on
/// the 29th, and one in a leap month is kept in the ordinary month of the same number.
/// `None` only outside the lunar calendar's table (years 1901–2100).
pub fn next_birthday(
    born: NaiveDate,
    today: NaiveDate,
    calendar: BirthdayCalendar,
) -> Option<NaiveDate> {
    match calendar {
        BirthdayCalendar::Solar => {
            let this_year = solar_in(born, today.year())?;
            if this_year >= today {
                Some(this_year)
            } else {
                solar_in(born, today.year() + 1)
            }
        }
        BirthdayCalendar::Lunar => {
            let birth = LunisolarDate::from_date(born).ok()?;
            let (month, day) = (birth.to_lunar_month().to_u8(), birth.to_lunar_day().to_u8());
            let lunar_year_today = LunisolarDate::from_date(today)
                .ok()?
                .to_lunisolar_year()
                .to_u16();
            (0..=1u16)
                .filter_map(|k| lunar_in(lunar_year_today + k, month, day))
                .find(|d| *d >= today)
        }
    }
}

fn solar_in(born: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, born.month(), born.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, born.month(), born.day().saturating_sub(1)))
}

fn lunar_in(lunar_year: u16, month: u8, day: u8) -> Option<NaiveDate> {
    LunisolarDate::from_ymd(lunar_year, month, false, day)
        .or_else(|_| LunisolarDate::from_ymd(lunar_year, month, false, day.saturating_sub(1)))
        .ok()
        .map(LunisolarDate::to_naive_date)
}
