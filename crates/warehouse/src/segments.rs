//! Segments: staff-defined filters over the features table, written as SQL conditions, e.g.
//!
//! ```text
//! aum_m0 >= 50000000 AND holds_wealth_management = false AND digital_share > 0.5
//! aum_m0 >= yuan(500000) AND NOT holds_wealth_management
//! ```
//!
//! Money columns are in minor units (fen): `aum_m0 >= 50000000` is 500,000 yuan;
//! `yuan(x)` is `x * 100`. A missing value (`days_since_last_tx` with no transaction) makes a
//! comparison unknown and the party not selected; `coalesce(days_since_last_tx, 9999) > 90`
//! selects it.
//!
//! The text is parsed with DataFusion's SQL parser and accepted only if it is made of the
//! features table's columns, number/string/boolean literals, comparisons, `AND`/`OR`/`NOT`,
//! arithmetic, `BETWEEN`, `IN (list)`, `IS [NOT] NULL|TRUE|FALSE` and the functions `abs`,
//! `coalesce`, `least`, `greatest` and `yuan`; and if it type-checks as a condition. What is
//! accepted is printed back from the syntax tree, so what runs is what was checked.
use std::fmt;

use datafusion::arrow::datatypes::DataType;
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, ObjectNamePart,
    UnaryOperator, Value,
};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use crate::features::features_schema;

/// Longer definitions are refused: a segment is a line or two, not a program.
pub const MAX_SEGMENT_CHARS: usize = 4096;
const FUNCTIONS: [&str; 5] = ["abs", "coalesce", "least", "greatest", "yuan"];
/// Columns of the features table a segment may not use: the date is the partition, and a
/// customer's id is an identifier, not a feature — a condition naming one customer would ask
/// about that customer whoever may see them.
const HIDDEN: [&str; 2] = ["as_of", "party_id"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("the segment is empty")]
    Empty,
    #[error("the segment is longer than {MAX_SEGMENT_CHARS} characters")]
    TooLong,
    #[error("not a valid condition: {0}")]
    Syntax(String),
    #[error("{0} is not allowed in a segment")]
    NotAllowed(String),
    #[error("unknown column `{name}`; the columns are: {}", valid.join(", "))]
    UnknownColumn { name: String, valid: Vec<String> },
    #[error("unknown function `{name}`; the functions are: {}", FUNCTIONS.join(", "))]
    UnknownFunction { name: String },
    #[error("{0}")]
    Type(String),
}

/// A checked segment condition over the features table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentExpr {
    /// The condition as accepted: what is stored and shown.
    sql: String,
    /// The condition as it runs: total, so that its evaluation cannot fail on any row (see
    /// [`make_total`]).
    runnable: String,
}

impl fmt::Display for SegmentExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Text,
    Bool,
    Null,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::Text => "text",
            Kind::Bool => "true/false",
            Kind::Null => "NULL",
        }
    }

    /// The kind of two values that must be alike (NULL goes with anything).
    fn unify(self, other: Kind, what: &str) -> Result<Kind, SegmentError> {
        match (self, other) {
            (a, b) if a == b => Ok(a),
            (Kind::Null, k) | (k, Kind::Null) => Ok(k),
            (a, b) => Err(SegmentError::Type(format!(
                "{what} compares {} with {}",
                a.name(),
                b.name()
            ))),
        }
    }
}

fn expect(kind: Kind, want: Kind, what: &str) -> Result<(), SegmentError> {
    if kind == want || kind == Kind::Null {
        Ok(())
    } else {
        Err(SegmentError::Type(format!(
            "{what} needs {}, not {}",
            want.name(),
            kind.name()
        )))
    }
}

/// The columns a segment may use, with their kinds.
fn columns() -> Vec<(String, Kind)> {
    features_schema()
        .fields()
        .iter()
        .filter(|f| !HIDDEN.contains(&f.name().as_str()))
        .map(|f| {
            let kind = match f.data_type() {
                DataType::Utf8 => Kind::Text,
                DataType::Boolean => Kind::Bool,
                _ => Kind::Number,
            };
            (f.name().clone(), kind)
        })
        .collect()
}

/// All segment columns, for help texts and error messages.
pub fn segment_columns() -> Vec<String> {
    columns().into_iter().map(|(n, _)| n).collect()
}

struct Checker {
    columns: Vec<(String, Kind)>,
}

impl Checker {
    fn column(&self, name: &str) -> Result<Kind, SegmentError> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, k)| *k)
            .ok_or_else(|| SegmentError::UnknownColumn {
                name: name.to_owned(),
                valid: segment_columns(),
            })
    }

    /// Checks `e`, rewriting `yuan(x)` as `(x * 100)`, and returns its kind.
    fn check(&self, e: &mut Expr) -> Result<Kind, SegmentError> {
        let not_allowed = |what: &str| Err(SegmentError::NotAllowed(what.to_owned()));
        match e {
            Expr::Identifier(id) => self.identifier(id),
            Expr::CompoundIdentifier(parts) => {
                let name: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
                not_allowed(&format!(
                    "a qualified name (`{}`): use the column name alone",
                    name.join(".")
                ))
            }
            Expr::Value(v) => match &v.value {
                Value::Number(..) => Ok(Kind::Number),
                Value::SingleQuotedString(_) => Ok(Kind::Text),
                Value::Boolean(_) => Ok(Kind::Bool),
                Value::Null => Ok(Kind::Null),
                other => not_allowed(&format!("the literal `{other}`")),
            },
            Expr::Nested(inner) => self.check(inner),
            Expr::UnaryOp { op, expr } => self.unary(op, expr),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::Between {
                expr, low, high, ..
            } => {
                let k = self.check(expr)?;
                let k = k.unify(self.check(low)?, "BETWEEN")?;
                k.unify(self.check(high)?, "BETWEEN")?;
                Ok(Kind::Bool)
            }
            Expr::InList { expr, list, .. } => {
                let mut k = self.check(expr)?;
                for item in list.iter_mut() {
                    k = k.unify(self.check(item)?, "IN")?;
                }
                Ok(Kind::Bool)
            }
            Expr::IsNull(inner) | Expr::IsNotNull(inner) => {
                self.check(inner)?;
                Ok(Kind::Bool)
            }
            Expr::IsTrue(inner)
            | Expr::IsFalse(inner)
            | Expr::IsNotTrue(inner)
            | Expr::IsNotFalse(inner) => {
                expect(self.check(inner)?, Kind::Bool, "IS TRUE/FALSE")?;
                Ok(Kind::Bool)
            }
            Expr::Function(_) => self.function(e),
            Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. } => {
                not_allowed("a subquery")
            }
            other => not_allowed(&format!("`{other}`")),
        }
    }

    /// A column; unquoted names are case-insensitive as in SQL (rewritten to lower case),
    /// quoted ones must match.
    fn identifier(&self, id: &mut Ident) -> Result<Kind, SegmentError> {
        let name = if id.quote_style.is_some() {
            id.value.clone()
        } else {
            id.value.to_lowercase()
        };
        let kind = self.column(&name)?;
        id.value = name;
        Ok(kind)
    }

    /// `NOT` of a condition, or the sign of a number.
    fn unary(&self, op: &UnaryOperator, expr: &mut Expr) -> Result<Kind, SegmentError> {
        let kind = self.check(expr)?;
        match op {
            UnaryOperator::Not => expect(kind, Kind::Bool, "NOT").map(|()| Kind::Bool),
            UnaryOperator::Minus | UnaryOperator::Plus => {
                expect(kind, Kind::Number, "a sign").map(|()| Kind::Number)
            }
            other => Err(SegmentError::NotAllowed(format!("the operator `{other}`"))),
        }
    }

    /// `AND`/`OR` of conditions, a comparison of two values of one kind, or arithmetic.
    fn binary(
        &self,
        left: &mut Expr,
        op: &BinaryOperator,
        right: &mut Expr,
    ) -> Result<Kind, SegmentError> {
        let (l, r) = (self.check(left)?, self.check(right)?);
        let what = format!("`{op}`");
        match op {
            BinaryOperator::And | BinaryOperator::Or => {
                expect(l, Kind::Bool, &what)?;
                expect(r, Kind::Bool, &what)?;
                Ok(Kind::Bool)
            }
            BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq => l.unify(r, &what).map(|_| Kind::Bool),
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo => {
                expect(l, Kind::Number, &what)?;
                expect(r, Kind::Number, &what)?;
                Ok(Kind::Number)
            }
            other => Err(SegmentError::NotAllowed(format!("the operator `{other}`"))),
        }
    }

    fn function(&self, e: &mut Expr) -> Result<Kind, SegmentError> {
        let Expr::Function(f) = e else {
            return Err(SegmentError::NotAllowed(format!("`{e}`")));
        };
        let text = f.to_string();
        let name = match f.name.0.as_slice() {
            [ObjectNamePart::Identifier(id)] => id.value.to_lowercase(),
            _ => {
                return Err(SegmentError::UnknownFunction {
                    name: f.name.to_string(),
                });
            }
        };
        if !FUNCTIONS.contains(&name.as_str()) {
            return Err(SegmentError::UnknownFunction { name });
        }
        let FunctionArguments::List(list) = &mut f.args else {
            return Err(SegmentError::NotAllowed(format!("`{text}`")));
        };
        let plain = f.filter.is_none()
            && f.over.is_none()
            && f.null_treatment.is_none()
            && f.within_group.is_empty()
            && !f.uses_odbc_syntax
            && matches!(f.parameters, FunctionArguments::None)
            && list.duplicate_treatment.is_none()
            && list.clauses.is_empty();
        if !plain {
            return Err(SegmentError::NotAllowed(format!("`{text}`")));
        }
        let mut kinds = Vec::new();
        for arg in list.args.iter_mut() {
            let FunctionArg::Unnamed(FunctionArgExpr::Expr(a)) = arg else {
                return Err(SegmentError::NotAllowed(format!("the argument `{arg}`")));
            };
            kinds.push(self.check(a)?);
        }
        let arity_error = |n: &str| Err(SegmentError::Type(format!("{name} takes {n}")));
        let kind = match name.as_str() {
            "abs" | "yuan" => {
                let [kind] = kinds.as_slice() else {
                    return arity_error("one argument");
                };
                expect(*kind, Kind::Number, &name)?;
                Kind::Number
            }
            "least" | "greatest" => {
                if kinds.len() < 2 {
                    return arity_error("two or more arguments");
                }
                for k in &kinds {
                    expect(*k, Kind::Number, &name)?;
                }
                Kind::Number
            }
            _ => {
                let mut k = Kind::Null;
                for arg in &kinds {
                    k = k.unify(*arg, "coalesce")?;
                }
                if kinds.is_empty() {
                    return arity_error("one or more arguments");
                }
                k
            }
        };
        if name == "yuan"
            && let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(a))) = list.args.pop()
        {
            let hundred = parse_expr("100")?;
            *e = Expr::Nested(Box::new(Expr::BinaryOp {
                left: Box::new(a),
                op: BinaryOperator::Multiply,
                right: Box::new(hundred),
            }));
        }
        Ok(kind)
    }
}

/// Rewrites a checked condition so that evaluating it cannot fail on any row: number columns
/// are read as DOUBLE (arithmetic cannot overflow; it reaches infinity instead) and the right
/// side of `/` and `%` becomes `NULLIF(…, 0)` (division by zero is unknown, not an error).
fn make_total(e: &mut Expr, checker: &Checker) -> Result<(), SegmentError> {
    match e {
        Expr::Identifier(id) => {
            if checker.column(&id.value)? == Kind::Number {
                *e = parse_expr(&format!("CAST({e} AS DOUBLE)"))?;
            }
        }
        Expr::Value(_) => {}
        Expr::Nested(inner)
        | Expr::UnaryOp { expr: inner, .. }
        | Expr::IsNull(inner)
        | Expr::IsNotNull(inner)
        | Expr::IsTrue(inner)
        | Expr::IsFalse(inner)
        | Expr::IsNotTrue(inner)
        | Expr::IsNotFalse(inner) => make_total(inner, checker)?,
        Expr::BinaryOp { left, op, right } => {
            make_total(left, checker)?;
            make_total(right, checker)?;
            if matches!(op, BinaryOperator::Divide | BinaryOperator::Modulo) {
                **right = parse_expr(&format!("NULLIF({right}, 0)"))?;
            }
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            make_total(expr, checker)?;
            make_total(low, checker)?;
            make_total(high, checker)?;
        }
        Expr::InList { expr, list, .. } => {
            make_total(expr, checker)?;
            for item in list.iter_mut() {
                make_total(item, checker)?;
            }
        }
        Expr::Function(f) => {
            if let FunctionArguments::List(list) = &mut f.args {
                for arg in list.args.iter_mut() {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(a)) = arg {
                        make_total(a, checker)?;
                    }
                }
            }
        }
        // The checker accepted nothing else.
        other => return Err(SegmentError::NotAllowed(format!("`{other}`"))),
    }
    Ok(())
}

fn parse_expr(text: &str) -> Result<Expr, SegmentError> {
    let syntax = |e: &dyn fmt::Display| SegmentError::Syntax(e.to_string());
    let mut parser = Parser::new(&GenericDialect {})
        .try_with_sql(text)
        .map_err(|e| syntax(&e))?;
    let expr = parser.parse_expr().map_err(|e| syntax(&e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(SegmentError::Syntax(format!(
            "unexpected `{}` after the condition",
            next.token
        )));
    }
    Ok(expr)
}

impl SegmentExpr {
    /// Parses and checks a segment definition.
    pub fn parse(text: &str) -> Result<Self, SegmentError> {
        if text.trim().is_empty() {
            return Err(SegmentError::Empty);
        }
        if text.chars().count() > MAX_SEGMENT_CHARS {
            return Err(SegmentError::TooLong);
        }
        // The parser skips comments and would stop at `;`: refuse both before parsing, so that
        // nothing in the text goes unchecked.
        let tokens = Tokenizer::new(&GenericDialect {}, text)
            .tokenize()
            .map_err(|e| SegmentError::Syntax(e.to_string()))?;
        for t in &tokens {
            match t {
                Token::SemiColon => return Err(SegmentError::NotAllowed("`;`".into())),
                Token::Whitespace(
                    Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
                ) => return Err(SegmentError::NotAllowed("a comment".into())),
                _ => {}
            }
        }
        let mut expr = parse_expr(text)?;
        let checker = Checker { columns: columns() };
        let kind = checker.check(&mut expr)?;
        if !matches!(kind, Kind::Bool) {
            return Err(SegmentError::Type(format!(
                "a segment must be a condition (true or false), not {}",
                kind.name()
            )));
        }
        let sql = expr.to_string();
        make_total(&mut expr, &checker)?;
        Ok(Self {
            sql,
            runnable: expr.to_string(),
        })
    }

    /// The checked condition as SQL over the features table.
    pub fn as_sql(&self) -> &str {
        &self.sql
    }

    /// The condition as it is evaluated: numbers in floating point and every divisor that is
    /// zero made NULL. Whether a query fails must not depend on any customer's data: an
    /// error that some row provokes (an integer division by zero, an overflow) would tell
    /// the author about rows outside their scope.
    pub fn runnable_sql(&self) -> &str {
        &self.runnable
    }
}
