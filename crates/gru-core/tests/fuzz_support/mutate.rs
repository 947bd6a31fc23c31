//! Hostile mutations of valid documents: pick a node, then drop it, replace it (by a hostile
//! value or a raw token such as `1e309`), add or rename a key, wrap, unwrap, nest it 300 deep
//! or repeat it thousands of times. [`mutate`] says where each mutation landed, so a test can
//! check that the error names that field.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

use super::{hostile_key, hostile_value, RAW_TOKENS};

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// What a mutation does at the node it picks.
#[derive(Clone, Debug)]
pub enum Op {
    /// Drop the field or element (the root becomes `null`).
    Remove,
    /// Replace it by a hostile value.
    Set(Value),
    /// Replace it by a raw token (`1e309`, `NaN`, …) in the text.
    Raw(&'static str),
    /// Add a key (object), an element (list), or replace by `{key: value}`.
    Insert(String, Value),
    /// Rename the key it sits under.
    Rename(String),
    /// `v` → `[v]`.
    Wrap,
    /// `[v, …]` → `v`, `{k: v, …}` → `v`.
    Unwrap,
    /// `v` → `[[…[v]…]]`, this deep.
    Deep(usize),
    /// A list of this many copies of its first element (or of itself).
    Repeat(usize),
}

/// A mutation: which node (`pick` among the candidates; `anywhere` = numbers included, else
/// only fields, lists and non-numbers) and what to do there.
#[derive(Clone, Debug)]
pub struct Mutation {
    pub pick: Index,
    pub anywhere: bool,
    pub op: Op,
}

/// Mutations with keys drawn from `known` and hostile ones.
pub fn mutation(known: Vec<String>) -> impl Strategy<Value = Mutation> {
    let op = prop_oneof![
        3 => Just(Op::Remove),
        6 => hostile_value().prop_map(Op::Set),
        3 => prop::sample::select(RAW_TOKENS).prop_map(Op::Raw),
        2 => (hostile_key(known.clone()), hostile_value()).prop_map(|(k, v)| Op::Insert(k, v)),
        2 => hostile_key(known).prop_map(Op::Rename),
        1 => Just(Op::Wrap),
        1 => Just(Op::Unwrap),
        1 => (1usize..300).prop_map(Op::Deep),
        1 => (2usize..3000).prop_map(Op::Repeat),
    ];
    (any::<Index>(), any::<bool>(), op).prop_map(|(pick, anywhere, op)| Mutation {
        pick,
        anywhere,
        op,
    })
}

/// Where a mutation landed: its path, and the key it added or renamed to.
#[derive(Clone, Debug)]
pub struct Applied {
    pub path: Vec<Seg>,
    pub new_key: Option<String>,
    pub raw: bool,
}

/// Every path in `v`, root first; numbers only when `numbers`.
fn paths(v: &Value, numbers: bool, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    if numbers || !v.is_number() || at.len() <= 1 {
        out.push(at.clone());
    }
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                at.push(Seg::Key(k.clone()));
                paths(c, numbers, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                at.push(Seg::Index(i));
                paths(c, numbers, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(k.as_str()),
        Seg::Index(i) => v.get_mut(*i),
    })
}

/// Applies `muts` to `doc` and returns the text (raw tokens spliced in) and where each landed.
pub fn mutate(mut doc: Value, muts: &[Mutation]) -> (String, Vec<Applied>) {
    let mut raws = Vec::new();
    let mut applied = Vec::new();
    for m in muts {
        let mut all = Vec::new();
        paths(&doc, m.anywhere, &mut Vec::new(), &mut all);
        let path = all[m.pick.index(all.len())].clone();
        let mut new_key = None;
        let (parent, last) = match path.split_last() {
            Some((last, parent)) => (parent.to_vec(), Some(last.clone())),
            None => (Vec::new(), None),
        };
        let Some(target) = node(&mut doc, &path) else {
            continue;
        };
        match &m.op {
            Op::Remove => match (&last, node(&mut doc, &parent)) {
                (Some(Seg::Key(k)), Some(Value::Object(o))) => drop(o.remove(k)),
                (Some(Seg::Index(i)), Some(Value::Array(a))) => drop(a.remove(*i)),
                _ => doc = Value::Null,
            },
            Op::Set(v) => *target = v.clone(),
            Op::Raw(tok) => {
                *target = Value::String(format!("@@RAW{}@@", raws.len()));
                raws.push(*tok);
            }
            Op::Insert(k, v) => {
                new_key = Some(k.clone());
                match target {
                    Value::Object(o) => drop(o.insert(k.clone(), v.clone())),
                    Value::Array(a) => a.push(v.clone()),
                    t => *t = Value::Object(Map::from_iter([(k.clone(), v.clone())])),
                }
            }
            Op::Rename(k2) => {
                new_key = Some(k2.clone());
                match (&last, node(&mut doc, &parent)) {
                    (Some(Seg::Key(k)), Some(Value::Object(o))) => {
                        if let Some(v) = o.remove(k) {
                            o.insert(k2.clone(), v);
                        }
                    }
                    _ => {
                        if let Some(t) = node(&mut doc, &path) {
                            let v = t.take();
                            *t = Value::Object(Map::from_iter([(k2.clone(), v)]));
                        }
                    }
                }
            }
            Op::Wrap => *target = Value::Array(vec![target.take()]),
            Op::Unwrap => {
                *target = match target.take() {
                    Value::Array(a) => a.into_iter().next().unwrap_or(Value::Null),
                    Value::Object(o) => o.into_iter().next().map_or(Value::Null, |kv| kv.1),
                    v => v,
                }
            }
            Op::Deep(n) => {
                let mut v = target.take();
                for _ in 0..*n {
                    v = Value::Array(vec![v]);
                }
                *target = v;
            }
            Op::Repeat(n) => {
                let first = match &*target {
                    Value::Array(a) if !a.is_empty() => a[0].clone(),
                    v => v.clone(),
                };
                *target = Value::Array(vec![first; *n]);
            }
        }
        applied.push(Applied {
            path,
            new_key,
            raw: matches!(m.op, Op::Raw(_)),
        });
    }
    let mut text = doc.to_string();
    for (n, tok) in raws.iter().enumerate() {
        text = text.replace(&format!("\"@@RAW{n}@@\""), tok);
    }
    (text, applied)
}

/// The first key of a path (`None` at the root or under a list).
pub fn top(a: &Applied) -> Option<&str> {
    match a.path.first() {
        Some(Seg::Key(k)) => Some(k),
        _ => None,
    }
}

/// The second key of a path.
pub fn second(a: &Applied) -> Option<&str> {
    match a.path.get(1) {
        Some(Seg::Key(k)) => Some(k),
        _ => None,
    }
}
