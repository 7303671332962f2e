//! Reading answers: elements and numbers out of JSON lists, pages that must hold every one of some texts.
use serde_json::Value;

/// The integer `key` of every element of the JSON array `list`, in order.
pub fn ints(list: &Value, key: &str) -> Vec<i64> {
    elements(list).map(|x| x[key].as_i64().unwrap()).collect()
}

/// The number `key` of every element of the JSON array `list`, in order.
pub fn floats(list: &Value, key: &str) -> Vec<f64> {
    elements(list).map(|x| x[key].as_f64().unwrap()).collect()
}

/// The text `key` of every element of the JSON array `list`, in order.
pub fn strs<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    elements(list).map(|x| x[key].as_str().unwrap()).collect()
}

/// The elements of the JSON array `list`.
fn elements(list: &Value) -> std::slice::Iter<'_, Value> {
    list.as_array().unwrap().iter()
}

/// The header `name` of an answer, as text.
pub fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()[name].to_str().unwrap()
}

/// The status of an answer and the text of its `key`, as in `(409, Some("conflict"))` for
/// the key `code`.
pub fn status_and<'a>((status, body): &'a (u16, Value), key: &str) -> (u16, Option<&'a str>) {
    (*status, body[key].as_str())
}

/// The `message` of an error answer.
pub fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap()
}

/// The first element of the JSON array `list` whose `key` is `value`.
pub fn element<'a>(list: &'a Value, key: &str, value: impl Into<Value>) -> &'a Value {
    let value = value.into();
    let found = list.as_array().unwrap().iter().find(|x| x[key] == value);
    found.unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

/// Asserts that `text` holds every one of `needles`; a failure names `what` and the needle.
#[track_caller]
pub fn assert_has_all(text: &str, needles: &[&str], what: &str) {
    for needle in needles {
        assert!(text.contains(needle), "{what} lacks {needle}");
    }
}
