//! The workbench's strings in both languages; like [`crate::i18n::Text`], a missing
//! translation is a compile error.
use crate::i18n::Lang;

pub struct WorkText {
    pub workbench: &'static str,
    pub intro: &'static str,
    pub today: &'static str,
    pub due: &'static str,
    pub overdue: &'static str,
    pub upcoming: &'static str,
    pub none_due: &'static str,
    pub customer: &'static str,
    pub kind: &'static str,
    pub reason: &'static str,
    pub due_on: &'static str,
    pub channel: &'static str,
    pub outcome: &'static str,
    pub notes: &'static str,
    pub complete: &'static str,
    pub completed: &'static str,
    pub open_by_kind: &'static str,
    pub timeline: &'static str,
    pub no_contacts: &'static str,
}

impl Lang {
    pub fn work_text(self) -> &'static WorkText {
        match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        }
    }
}

static ZH: WorkText = WorkText {
    workbench: "客户经理工作台",
    intro: "今日到期与逾期的任务、未来两周的任务；完成任务即记录一次客户接触。",
    today: "今天",
    due: "今日及逾期任务",
    overdue: "逾期",
    upcoming: "未来两周",
    none_due: "今天没有到期的任务。",
    customer: "客户",
    kind: "类型",
    reason: "原因",
    due_on: "到期日",
    channel: "渠道",
    outcome: "结果",
    notes: "备注",
    complete: "完成",
    completed: "任务已完成，接触已记入客户时间线。",
    open_by_kind: "未完成任务（按类型）",
    timeline: "接触记录",
    no_contacts: "暂无接触记录。",
};

static EN: WorkText = WorkText {
    workbench: "RM workbench",
    intro: "Tasks due today or overdue and the next two weeks' tasks; completing a task logs a contact with the customer.",
    today: "Today",
    due: "Due today and overdue",
    overdue: "overdue",
    upcoming: "Next two weeks",
    none_due: "No tasks due today.",
    customer: "Customer",
    kind: "Kind",
    reason: "Reason",
    due_on: "Due",
    channel: "Channel",
    outcome: "Outcome",
    notes: "Notes",
    complete: "Complete",
    completed: "Task completed; the contact is on the customer's timeline.",
    open_by_kind: "Open tasks by kind",
    timeline: "Contacts",
    no_contacts: "No contacts logged yet.",
};
