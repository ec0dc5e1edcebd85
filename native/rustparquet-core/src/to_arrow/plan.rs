//! The build plan: each node of the Parquet message type paired with its Arrow field, and the
//! levels that place it. A node's *slots* are the entries of any leaf below it with repetition
//! level ≤ `slot_rep` and definition level ≥ `slot_def` (the innermost enclosing repeated
//! node's levels; 0 and 0 outside lists): one per value, null or not, the node has in the
//! batch. A slot is non-null when its definition level reaches `def`.

use arrow_schema::{DataType as ArrowType, FieldRef, Fields, SchemaRef};
use parquet::basic::Repetition;
use parquet::schema::types::Type as PqType;

use crate::error::{Error, Result};

/// Where a node's slots are and when one is non-null.
#[derive(Debug, Clone, Copy)]
pub(super) struct Levels {
    /// Definition level of a present (non-null) value of this node.
    pub def: i16,
    pub nullable: bool,
    /// Repetition level at or below which an entry starts a slot of this node.
    pub slot_rep: i16,
    /// Definition level an entry must reach to be a slot of this node.
    pub slot_def: i16,
    /// The first leaf column below the node (any leaf below it has the same slots).
    pub first_leaf: usize,
}

/// What a node is built as.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    Leaf {
        leaf: usize,
    },
    Struct {
        fields: Fields,
        children: Vec<Plan>,
    },
    /// A LIST (`entries`: the element) or a MAP (`entries`: the key_value struct); items are
    /// the slots of the repeated node, at repetition `item_rep`, present from `item_def`.
    Repeated {
        field: FieldRef,
        map_sorted: Option<bool>,
        entries: Box<Plan>,
        item_rep: i16,
        item_def: i16,
    },
}

/// One node of the plan.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub levels: Levels,
    pub data_type: ArrowType,
    pub kind: Kind,
}

/// The plans of the top-level columns and the number of leaves.
pub(super) fn compile(message: &PqType, arrow: &SchemaRef) -> Result<(Vec<Plan>, usize)> {
    let pq = message.get_fields();
    if pq.len() != arrow.fields().len() {
        return Err(mismatch(message.name()));
    }
    let mut next_leaf = 0;
    let plans = pq
        .iter()
        .zip(arrow.fields().iter())
        .map(|(t, f)| node(t, f, 0, 0, 0, false, &mut next_leaf))
        .collect::<Result<Vec<_>>>()?;
    Ok((plans, next_leaf))
}

fn mismatch(name: &str) -> Error {
    Error::Other(format!(
        "internal error: the Arrow schema does not follow the Parquet schema at `{name}`"
    ))
}

/// The plan of `t` (as a list element, `as_element`, its own repetition is the list's).
fn node(
    t: &PqType,
    field: &FieldRef,
    parent_def: i16,
    slot_rep: i16,
    slot_def: i16,
    as_element: bool,
    next_leaf: &mut usize,
) -> Result<Plan> {
    let info = t.get_basic_info();
    let repetition = if info.has_repetition() && !as_element {
        info.repetition()
    } else {
        Repetition::REQUIRED
    };
    if repetition == Repetition::REPEATED {
        // A bare repeated field (the Dremel paper's form): a required list of itself.
        let ArrowType::List(item) = field.data_type() else {
            return Err(mismatch(t.name()));
        };
        let (item_rep, item_def) = (slot_rep + 1, parent_def + 1);
        let levels = Levels {
            def: parent_def,
            nullable: false,
            slot_rep,
            slot_def,
            first_leaf: *next_leaf,
        };
        let entries = node(t, item, item_def, item_rep, item_def, true, next_leaf)?;
        return Ok(Plan {
            levels,
            data_type: field.data_type().clone(),
            kind: Kind::Repeated {
                field: item.clone(),
                map_sorted: None,
                entries: Box::new(entries),
                item_rep,
                item_def,
            },
        });
    }
    let def = parent_def + i16::from(repetition == Repetition::OPTIONAL);
    let levels = Levels {
        def,
        nullable: field.is_nullable(),
        slot_rep,
        slot_def,
        first_leaf: *next_leaf,
    };
    let kind = match field.data_type() {
        ArrowType::List(item) => {
            let repeated = only_repeated_child(t)?;
            let (item_rep, item_def) = (slot_rep + 1, def + 1);
            // The standard 3-level form; otherwise (the backward-compatible forms) the
            // repeated node is the element.
            let three_level = repeated.is_group()
                && repeated.get_fields().len() == 1
                && repeated.name() != "array"
                && repeated.name() != format!("{}_tuple", t.name());
            let entries = if three_level {
                let element = &repeated.get_fields()[0];
                node(
                    element, item, item_def, item_rep, item_def, false, next_leaf,
                )?
            } else {
                node(
                    repeated, item, item_def, item_rep, item_def, true, next_leaf,
                )?
            };
            Kind::Repeated {
                field: item.clone(),
                map_sorted: None,
                entries: Box::new(entries),
                item_rep,
                item_def,
            }
        }
        ArrowType::Map(entries, sorted) => {
            let repeated = only_repeated_child(t)?;
            let (item_rep, item_def) = (slot_rep + 1, def + 1);
            let ArrowType::Struct(kv) = entries.data_type() else {
                return Err(mismatch(t.name()));
            };
            let entry_levels = Levels {
                def: item_def,
                nullable: false,
                slot_rep: item_rep,
                slot_def: item_def,
                first_leaf: *next_leaf,
            };
            let children = children(repeated, kv, item_def, item_rep, item_def, next_leaf)?;
            Kind::Repeated {
                field: entries.clone(),
                map_sorted: Some(*sorted),
                entries: Box::new(Plan {
                    levels: entry_levels,
                    data_type: entries.data_type().clone(),
                    kind: Kind::Struct {
                        fields: kv.clone(),
                        children,
                    },
                }),
                item_rep,
                item_def,
            }
        }
        ArrowType::Struct(fields) => Kind::Struct {
            fields: fields.clone(),
            children: children(t, fields, def, slot_rep, slot_def, next_leaf)?,
        },
        _ if !t.is_group() => {
            *next_leaf += 1;
            Kind::Leaf {
                leaf: *next_leaf - 1,
            }
        }
        _ => return Err(mismatch(t.name())),
    };
    Ok(Plan {
        levels,
        data_type: field.data_type().clone(),
        kind,
    })
}

fn children(
    t: &PqType,
    fields: &Fields,
    def: i16,
    slot_rep: i16,
    slot_def: i16,
    next_leaf: &mut usize,
) -> Result<Vec<Plan>> {
    if !t.is_group() || t.get_fields().len() != fields.len() {
        return Err(mismatch(t.name()));
    }
    t.get_fields()
        .iter()
        .zip(fields.iter())
        .map(|(c, f)| node(c, f, def, slot_rep, slot_def, false, next_leaf))
        .collect()
}

/// The repeated group of a 3-level LIST or of a MAP.
fn only_repeated_child(t: &PqType) -> Result<&PqType> {
    match t.get_fields() {
        [child]
            if child.get_basic_info().has_repetition()
                && child.get_basic_info().repetition() == Repetition::REPEATED =>
        {
            Ok(child)
        }
        _ => Err(mismatch(t.name())),
    }
}
