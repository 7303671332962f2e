//! The relationship manager's alert and task rules (R4.2, R4.3, R7.2): from what the store
//! knows of each customer today, which alerts to raise and which task each makes. Pure: the
//! caller (`rapport alerts`) reads the facts from the store and writes the plans back.
mod assign;
mod birthday;
mod rules;

pub use assign::{AssignmentPlan, RmLoad, UnservedCustomer, plan_dedicated_rms};

pub use birthday::{BirthdayCalendar, next_birthday};
pub use rules::{
    Maturity, PartyFacts, PlannedAlert, PlannedTask, WorkRules, care_is_quiet, local_date,
    plan_alerts, task_for_alert,
};
