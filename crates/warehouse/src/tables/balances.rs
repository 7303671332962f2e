use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Date32Array, Decimal128Array, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use super::{
    AccountKeys, Buffer, MONEY, MonthBuffers, Table, check_width, currency, currency_str, reject,
    required,
};
use crate::columns::{BalanceColumns, Col, Header};
use crate::error::{Reject, Result};
use crate::money::parse_minor;
use crate::seen::SeenKeys;
use crate::source::Record;
use crate::time::{Month, days_since_epoch, parse_date};

/// The Parquet schema of `balances/`: one end-of-day balance per account and date.
pub fn balances_schema() -> SchemaRef {
    let utf8 = |name: &str| Field::new(name, DataType::Utf8, false);
    Arc::new(Schema::new(vec![
        utf8("account_key"),
        Field::new("as_of", DataType::Date32, false),
        Field::new("balance", MONEY, false),
        utf8("currency"),
        utf8("source_system"),
        utf8("load_id"),
    ]))
}

struct Cols {
    account: Col,
    as_of: Col,
    balance: Col,
    currency: Col,
}

pub(crate) struct Balances<'k> {
    cols: Cols,
    width: usize,
    keys: AccountKeys<'k>,
    seen: SeenKeys,
    schema: SchemaRef,
}

impl<'k> Balances<'k> {
    pub(crate) fn new(
        header: &Header,
        map: &BalanceColumns,
        account_key: &'k dyn Fn(&str) -> String,
    ) -> Result<Self> {
        let cols = Cols {
            account: header.find(&map.account_number)?,
            as_of: header.find(&map.as_of)?,
            balance: header.find(&map.balance)?,
            currency: header.find(&map.currency)?,
        };
        Ok(Self {
            cols,
            width: header.len(),
            keys: AccountKeys::new(account_key),
            seen: SeenKeys::new(),
            schema: balances_schema(),
        })
    }
}

impl Table for Balances<'_> {
    const NAME: &'static str = "balances";
    const PLAIN_COLUMNS: &'static [&'static str] = &[];
    type Buffer = BalanceBuffer;

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn unique_column(&self) -> Option<(usize, String)> {
        None
    }

    fn push(
        &mut self,
        rec: &Record<'_>,
        out: &mut MonthBuffers<BalanceBuffer>,
    ) -> Result<Month, Reject> {
        let c = &self.cols;
        let line = rec.line;
        check_width(rec, self.width)?;
        let account = required(rec, &c.account)?;
        let date_text = rec.get(c.as_of.index);
        let as_of = parse_date(date_text).map_err(|r| reject(line, &c.as_of, r, date_text))?;
        let text = rec.get(c.balance.index);
        let balance =
            parse_minor(text).map_err(|e| reject(line, &c.balance, e.to_string(), text))?;
        let currency = currency(rec, &c.currency)?;
        let key = self.keys.get(account);
        // Two balances for one account and day would double-count in every sum over dates.
        if let Some(first) = self.seen.first_line(&format!("{key}\u{0}{as_of}"), line) {
            let why = format!("second balance for this account and date (first on line {first})");
            return Err(reject(line, &c.as_of, why, date_text));
        }
        let month = Month::of(as_of);
        let b = out.row(month, line);
        b.keys.append_value(key);
        b.as_of.push(days_since_epoch(as_of));
        b.balance.push(balance);
        b.currency.append_value(currency_str(&currency));
        Ok(month)
    }
}

#[derive(Default)]
pub(crate) struct BalanceBuffer {
    keys: StringBuilder,
    as_of: Vec<i32>,
    balance: Vec<i128>,
    currency: StringBuilder,
}

impl Buffer for BalanceBuffer {
    fn len(&self) -> usize {
        self.as_of.len()
    }

    fn finish(&mut self) -> Result<Vec<ArrayRef>> {
        let balance = Decimal128Array::from(std::mem::take(&mut self.balance))
            .with_precision_and_scale(18, 2)?;
        Ok(vec![
            Arc::new(self.keys.finish()),
            Arc::new(Date32Array::from(std::mem::take(&mut self.as_of))),
            Arc::new(balance),
            Arc::new(self.currency.finish()),
        ])
    }
}
