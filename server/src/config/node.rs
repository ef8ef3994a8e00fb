//! A configuration value tree that remembers where each piece came from, built from TOML
//! (with byte spans into the file) or from JSON editor settings (without), so that one
//! schema walker validates both and every error can point at its key.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// A byte range of the configuration file; `None` for JSON settings.
pub(crate) type Span = Option<Range<usize>>;

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Str(String),
    Int(i64),
    /// A number that is no `i64` (a TOML integer out of range, a JSON `1e400`).
    BigNumber(String),
    Float(f64),
    Bool(bool),
    Datetime(toml::value::Datetime),
    /// JSON `null`: treated as an absent key.
    Null,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

/// One `key = value` of a table, in source order for JSON and key order for TOML.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub node: Node,
}

impl Value {
    /// What a value is, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Str(_) => "a string",
            Self::Int(_) | Self::BigNumber(_) => "an integer",
            Self::Float(_) => "a float",
            Self::Bool(_) => "a boolean",
            Self::Datetime(_) => "a datetime",
            Self::Null => "null",
            Self::Array(_) => "an array",
            Self::Table(_) => "a table",
        }
    }
}

impl Node {
    /// The value as a TOML value for a rule's `configure`; `None` for `null`.
    pub fn to_toml(&self) -> Option<toml::Value> {
        Some(match &self.value {
            Value::Str(s) | Value::BigNumber(s) => toml::Value::String(s.clone()),
            Value::Int(i) => toml::Value::Integer(*i),
            Value::Float(f) => toml::Value::Float(*f),
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Datetime(d) => toml::Value::Datetime(*d),
            Value::Null => return None,
            Value::Array(items) => {
                toml::Value::Array(items.iter().filter_map(Self::to_toml).collect())
            }
            Value::Table(entries) => toml::Value::Table(
                entries
                    .iter()
                    .filter_map(|e| Some((e.key.clone(), e.node.to_toml()?)))
                    .collect(),
            ),
        })
    }
}

/// The tree of a parsed TOML document.
pub(crate) fn from_toml_table(table: &toml::Spanned<DeTable<'_>>) -> Node {
    Node {
        value: Value::Table(toml_entries(table.get_ref())),
        span: Some(table.span()),
    }
}

fn toml_entries(table: &DeTable<'_>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(key, value)| Entry {
            key: key.get_ref().to_string(),
            key_span: Some(key.span()),
            node: from_toml(value),
        })
        .collect();
    // Source order, so that errors and `[[overrides]]`-like lists read top to bottom.
    entries.sort_by_key(|e| e.key_span.as_ref().map_or(0, |s| s.start));
    entries
}

fn from_toml(value: &toml::Spanned<DeValue<'_>>) -> Node {
    let v = match value.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str();
            i64::from_str_radix(digits, i.radix())
                .map_or_else(|_| Value::BigNumber(i.to_string()), Value::Int)
        }
        DeValue::Float(f) => Value::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(*d),
        DeValue::Array(items) => Value::Array(items.iter().map(from_toml).collect()),
        DeValue::Table(table) => Value::Table(toml_entries(table)),
    };
    Node {
        value: v,
        span: Some(value.span()),
    }
}

/// The tree of JSON editor settings (no spans).
pub(crate) fn from_json(value: &serde_json::Value) -> Node {
    let v = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(f)) if n.is_f64() => Value::Float(f),
            _ => Value::BigNumber(n.to_string()),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Table(
            map.iter()
                .map(|(key, value)| Entry {
                    key: key.clone(),
                    key_span: None,
                    node: from_json(value),
                })
                .collect(),
        ),
    };
    Node {
        value: v,
        span: None,
    }
}
