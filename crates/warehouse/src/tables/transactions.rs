use std::sync::Arc;

use chrono_tz::Tz;
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Decimal128Array, StringBuilder, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

use super::{
    AccountKeys, Buffer, MONEY, MonthBuffers, Table, check_width, currency, currency_str, reject,
    required,
};
use crate::columns::{Col, Header, TransactionColumns};
use crate::error::{Reject, Result};
use crate::money::{MAX_MINOR, parse_minor};
use crate::source::Record;
use crate::time::{Month, parse_instant};

/// The Parquet schema of `transactions/`. The partition column `month` is in the path only.
pub fn transactions_schema() -> SchemaRef {
    let utf8 = |name: &str, nullable| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        utf8("transaction_id", false),
        utf8("account_key", false),
        Field::new(
            "booked_at",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("booked_on", DataType::Date32, false),
        utf8("direction", false),
        Field::new("amount", MONEY, false),
        Field::new("signed_amount", MONEY, false),
        utf8("currency", false),
        utf8("channel", true),
        utf8("description", true),
        utf8("source_system", false),
        utf8("load_id", false),
    ]))
}

struct Cols {
    id: Col,
    account: Col,
    booked_at: Col,
    direction: Col,
    amount: Col,
    currency: Col,
    channel: Option<Col>,
    description: Option<Col>,
}

pub(crate) struct Transactions<'k> {
    cols: Cols,
    width: usize,
    tz: Tz,
    keys: AccountKeys<'k>,
    schema: SchemaRef,
}

impl<'k> Transactions<'k> {
    pub(crate) fn new(
        header: &Header,
        map: &TransactionColumns,
        tz: Tz,
        account_key: &'k dyn Fn(&str) -> String,
    ) -> Result<Self> {
        let cols = Cols {
            id: header.find(&map.transaction_id)?,
            account: header.find(&map.account_number)?,
            booked_at: header.find(&map.booked_at)?,
            direction: header.find(&map.direction)?,
            amount: header.find(&map.amount)?,
            currency: header.find(&map.currency)?,
            channel: header.find_opt(map.channel.as_ref())?,
            description: header.find_opt(map.description.as_ref())?,
        };
        Ok(Self {
            cols,
            width: header.len(),
            tz,
            keys: AccountKeys::new(account_key),
            schema: transactions_schema(),
        })
    }
}

fn credit(rec: &Record<'_>, col: &Col) -> Result<bool, Reject> {
    let v = rec.get(col.index).trim();
    if v.eq_ignore_ascii_case("credit") || v.eq_ignore_ascii_case("cr") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("debit") || v.eq_ignore_ascii_case("dr") {
        Ok(false)
    } else {
        Err(reject(rec.line, col, "not `credit` or `debit`", v))
    }
}

impl Table for Transactions<'_> {
    const NAME: &'static str = "transactions";
    const PLAIN_COLUMNS: &'static [&'static str] = &["transaction_id", "booked_at"];
    type Buffer = TransactionBuffer;

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn unique_column(&self) -> Option<(usize, String)> {
        Some((0, self.cols.id.name.clone()))
    }

    fn push(
        &mut self,
        rec: &Record<'_>,
        out: &mut MonthBuffers<TransactionBuffer>,
    ) -> Result<Month, Reject> {
        let c = &self.cols;
        let line = rec.line;
        check_width(rec, self.width)?;
        let id = required(rec, &c.id)?;
        let account = required(rec, &c.account)?;
        let at_text = rec.get(c.booked_at.index);
        let at =
            parse_instant(at_text, self.tz).map_err(|r| reject(line, &c.booked_at, r, at_text))?;
        let is_credit = credit(rec, &c.direction)?;
        let amount_text = rec.get(c.amount.index);
        let amount = parse_minor(amount_text)
            .map_err(|e| reject(line, &c.amount, e.to_string(), amount_text))?;
        if amount <= 0 || amount > MAX_MINOR {
            let why = "not positive (the direction gives the sign)";
            return Err(reject(line, &c.amount, why, amount_text));
        }
        let currency = currency(rec, &c.currency)?;
        let month = Month::of(at.local_date);
        let b = out.row(month, line);
        b.ids.append_value(id);
        b.keys.append_value(self.keys.get(account));
        b.booked_at.push(at.micros);
        b.booked_on.push(at.local_days());
        b.direction
            .append_value(if is_credit { "credit" } else { "debit" });
        b.amount.push(amount);
        b.signed.push(if is_credit { amount } else { -amount });
        b.currency.append_value(currency_str(&currency));
        let optional = |col: &Option<Col>| {
            col.as_ref()
                .map(|c| rec.get(c.index))
                .filter(|v| !v.is_empty())
        };
        b.channel.append_option(optional(&c.channel).map(str::trim));
        b.description.append_option(optional(&c.description));
        Ok(month)
    }
}

#[derive(Default)]
pub(crate) struct TransactionBuffer {
    ids: StringBuilder,
    keys: StringBuilder,
    booked_at: Vec<i64>,
    booked_on: Vec<i32>,
    direction: StringBuilder,
    amount: Vec<i128>,
    signed: Vec<i128>,
    currency: StringBuilder,
    channel: StringBuilder,
    description: StringBuilder,
}

fn money(values: &mut Vec<i128>) -> Result<ArrayRef> {
    let array = Decimal128Array::from(std::mem::take(values)).with_precision_and_scale(18, 2)?;
    Ok(Arc::new(array))
}

impl Buffer for TransactionBuffer {
    fn len(&self) -> usize {
        self.booked_at.len()
    }

    fn finish(&mut self) -> Result<Vec<ArrayRef>> {
        let booked_at = TimestampMicrosecondArray::from(std::mem::take(&mut self.booked_at))
            .with_timezone("UTC");
        Ok(vec![
            Arc::new(self.ids.finish()),
            Arc::new(self.keys.finish()),
            Arc::new(booked_at),
            Arc::new(Date32Array::from(std::mem::take(&mut self.booked_on))),
            Arc::new(self.direction.finish()),
            money(&mut self.amount)?,
            money(&mut self.signed)?,
            Arc::new(self.currency.finish()),
            Arc::new(self.channel.finish()),
            Arc::new(self.description.finish()),
        ])
    }
}
