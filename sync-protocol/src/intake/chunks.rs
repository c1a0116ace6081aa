//! Walks the storage chunks of a sync message as Automerge will read them, and measures what
//! they decode to, without trusting any length the sender wrote.
//!
//! The layout is Automerge's binary format (<https://automerge.org/automerge-binary-format-spec/>):
//! a chunk is `magic (4) | checksum (4) | type (1) | uleb128 length | data`. Change chunks
//! (type 1) hold the change's header and its op columns; compressed change chunks (type 2)
//! hold the same data deflated; document chunks (type 0) hold change columns and op columns,
//! each of which may be deflated on its own. Columns are run-length encoded, so a few bytes
//! can describe billions of rows: each column's rows are counted here as "cells".
//!
//! Everything that is inflated is inflated with a cap: a deflate stream that would grow past
//! what is left of the message's allowance stops there and the message is refused.

use std::io::Read;

use super::{Cost, IntakeError};

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED: u8 = 2;
const CHUNK_BUNDLE: u8 = 3;
const HASH_BYTES: u64 = 32;

/// How much a message may still decode to; shrinks as chunks are measured.
#[derive(Debug, Clone, Copy)]
pub(super) struct Allowance {
    pub(super) inflated_bytes: usize,
    pub(super) cells: usize,
}

/// Measures every chunk in `bytes` (one entry of a sync message's change list, which may hold
/// several chunks back to back) and adds what they decode to onto `cost`.
pub(super) fn measure(
    bytes: &[u8],
    allowance: Allowance,
    cost: &mut Cost,
) -> Result<(), IntakeError> {
    let mut input = bytes;
    while !input.is_empty() {
        let (kind, data) = chunk(&mut input)?;
        match kind {
            CHUNK_CHANGE => {
                charge_bytes(cost, data.len(), allowance)?;
                change(data, allowance, cost)?;
            }
            CHUNK_COMPRESSED => {
                let room = allowance.inflated_bytes.saturating_sub(cost.inflated_bytes);
                let inflated = inflate(data, room, allowance)?;
                charge_bytes(cost, inflated.len(), allowance)?;
                change(&inflated, allowance, cost)?;
            }
            CHUNK_DOCUMENT => document(data, allowance, cost)?,
            CHUNK_BUNDLE => {
                return Err(IntakeError::Unsupported(
                    "a bundle chunk (this protocol sends changes and documents only)",
                ));
            }
            other => {
                return Err(IntakeError::Malformed(format!(
                    "unknown chunk type {other}"
                )));
            }
        }
    }
    Ok(())
}

/// Splits off one chunk: its type and its data.
fn chunk<'a>(input: &mut &'a [u8]) -> Result<(u8, &'a [u8]), IntakeError> {
    let head = take(input, 9, "chunk header")?;
    if head[..4] != MAGIC {
        return Err(IntakeError::Malformed(
            "a chunk does not start with Automerge's magic bytes".into(),
        ));
    }
    let kind = head[8];
    let len = uleb(input, "chunk length")?;
    let data = take_u64(input, len, "chunk data")?;
    Ok((kind, data))
}

/// A change's data after its chunk header: the header fields, then the op columns.
fn change(data: &[u8], allowance: Allowance, cost: &mut Cost) -> Result<(), IntakeError> {
    let mut input = data;
    let deps = uleb(&mut input, "dependency count")?;
    take_u64(
        &mut input,
        deps.saturating_mul(HASH_BYTES),
        "dependency hashes",
    )?;
    length_prefixed(&mut input, "actor id")?;
    uleb(&mut input, "sequence number")?;
    uleb(&mut input, "start op")?;
    sleb(&mut input, "timestamp")?;
    length_prefixed(&mut input, "change message")?;
    let others = uleb(&mut input, "actor count")?;
    for _ in 0..others {
        length_prefixed(&mut input, "actor id")?;
    }
    let columns = column_metadata(&mut input)?;
    for column in columns {
        let bytes = take_u64(&mut input, column.len, "op column data")?;
        if column.deflated() {
            // Automerge refuses deflated columns inside a change; so does this protocol.
            return Err(IntakeError::Malformed(
                "a change chunk has a deflated column".into(),
            ));
        }
        charge_cells(cost, rows(column.kind(), bytes)?, allowance)?;
    }
    Ok(())
}

/// A document's data after its chunk header: actors, heads, the change and op columns (each
/// possibly deflated), and the heads' indices.
fn document(data: &[u8], allowance: Allowance, cost: &mut Cost) -> Result<(), IntakeError> {
    let mut input = data;
    let actors = uleb(&mut input, "actor count")?;
    for _ in 0..actors {
        length_prefixed(&mut input, "actor id")?;
    }
    let heads = uleb(&mut input, "head count")?;
    take_u64(&mut input, heads.saturating_mul(HASH_BYTES), "head hashes")?;
    let change_columns = column_metadata(&mut input)?;
    let op_columns = column_metadata(&mut input)?;
    // Bytes outside the columns count as they are.
    let mut plain = data.len();
    for column in change_columns.iter().chain(&op_columns) {
        let bytes = take_u64(&mut input, column.len, "column data")?;
        if column.deflated() {
            plain = plain.saturating_sub(bytes.len());
            let room = allowance
                .inflated_bytes
                .saturating_sub(cost.inflated_bytes.saturating_add(plain));
            let inflated = inflate(bytes, room, allowance)?;
            charge_bytes(cost, inflated.len(), allowance)?;
            charge_cells(cost, rows(column.kind(), &inflated)?, allowance)?;
        } else {
            charge_cells(cost, rows(column.kind(), bytes)?, allowance)?;
        }
    }
    charge_bytes(cost, plain, allowance)
}

/// One entry of a column metadata block.
#[derive(Debug, Clone, Copy)]
struct Column {
    spec: u64,
    len: u64,
}

impl Column {
    fn deflated(self) -> bool {
        self.spec & 0b1000 != 0
    }

    fn kind(self) -> u64 {
        self.spec & 0b111
    }
}

fn column_metadata(input: &mut &[u8]) -> Result<Vec<Column>, IntakeError> {
    let count = uleb(input, "column count")?;
    // Each entry takes at least two bytes, which bounds the count by what was sent.
    if count > (input.len() / 2) as u64 {
        return Err(IntakeError::Malformed(format!(
            "{count} columns announced in {} bytes",
            input.len()
        )));
    }
    let mut columns = Vec::new();
    for _ in 0..count {
        let spec = uleb(input, "column specification")?;
        let len = uleb(input, "column length")?;
        columns.push(Column { spec, len });
    }
    Ok(columns)
}

/// How many rows a column decodes to. Run-length encoded columns repeat a value or a null
/// any number of times from a few bytes, which is what this counts; raw value bytes count
/// nothing here (their bytes are counted already).
fn rows(kind: u64, bytes: &[u8]) -> Result<u64, IntakeError> {
    const GROUP: u64 = 0;
    const ACTOR: u64 = 1;
    const ULEB: u64 = 2;
    const DELTA: u64 = 3;
    const BOOLEAN: u64 = 4;
    const STRING: u64 = 5;
    const VALUE_META: u64 = 6;
    let mut input = bytes;
    let mut rows: u64 = 0;
    match kind {
        BOOLEAN => {
            while !input.is_empty() {
                rows = rows.saturating_add(uleb(&mut input, "boolean run")?);
            }
        }
        GROUP | ACTOR | ULEB | DELTA | STRING | VALUE_META => {
            let value = |input: &mut &[u8]| -> Result<(), IntakeError> {
                match kind {
                    DELTA => sleb(input, "column value").map(drop),
                    STRING => length_prefixed(input, "string value").map(drop),
                    _ => uleb(input, "column value").map(drop),
                }
            };
            while !input.is_empty() {
                let run = sleb(&mut input, "run length")?;
                if run > 0 {
                    value(&mut input)?;
                    rows = rows.saturating_add(run.unsigned_abs());
                } else if run < 0 {
                    for _ in 0..run.unsigned_abs() {
                        value(&mut input)?;
                    }
                    rows = rows.saturating_add(run.unsigned_abs());
                } else {
                    rows = rows.saturating_add(uleb(&mut input, "null run")?);
                }
            }
        }
        _ => {}
    }
    Ok(rows)
}

/// Inflates a raw deflate stream, refusing it once it grows past `room` bytes. The stream is
/// inflated twice, first only to count its bytes: the buffer is then allocated once at its
/// final size, instead of growing to twice what a bomb fills before it is stopped.
fn inflate(bytes: &[u8], room: usize, allowance: Allowance) -> Result<Vec<u8>, IntakeError> {
    let cap = u64::try_from(room).unwrap_or(u64::MAX).saturating_add(1);
    let unreadable = |e: std::io::Error| {
        IntakeError::Malformed(format!("a deflated part cannot be inflated: {e}"))
    };
    let size = std::io::copy(
        &mut flate2::read::DeflateDecoder::new(bytes).take(cap),
        &mut std::io::sink(),
    )
    .map_err(unreadable)?;
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size > room {
        return Err(IntakeError::InflatesTooMuch {
            limit: allowance.inflated_bytes,
        });
    }
    let mut out = Vec::with_capacity(size);
    flate2::read::DeflateDecoder::new(bytes)
        .take(size as u64)
        .read_to_end(&mut out)
        .map_err(unreadable)?;
    Ok(out)
}

fn charge_bytes(cost: &mut Cost, bytes: usize, allowance: Allowance) -> Result<(), IntakeError> {
    cost.inflated_bytes = cost.inflated_bytes.saturating_add(bytes);
    if cost.inflated_bytes > allowance.inflated_bytes {
        return Err(IntakeError::InflatesTooMuch {
            limit: allowance.inflated_bytes,
        });
    }
    Ok(())
}

fn charge_cells(cost: &mut Cost, rows: u64, allowance: Allowance) -> Result<(), IntakeError> {
    cost.cells = cost
        .cells
        .saturating_add(usize::try_from(rows).unwrap_or(usize::MAX));
    if cost.cells > allowance.cells {
        return Err(IntakeError::TooManyCells {
            limit: allowance.cells,
        });
    }
    Ok(())
}

fn take<'a>(input: &mut &'a [u8], n: usize, what: &str) -> Result<&'a [u8], IntakeError> {
    if input.len() < n {
        return Err(IntakeError::Malformed(format!("the {what} is cut short")));
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

fn take_u64<'a>(input: &mut &'a [u8], n: u64, what: &str) -> Result<&'a [u8], IntakeError> {
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    take(input, n, what)
}

fn length_prefixed<'a>(input: &mut &'a [u8], what: &str) -> Result<&'a [u8], IntakeError> {
    let len = uleb(input, what)?;
    take_u64(input, len, what)
}

fn uleb(input: &mut &[u8], what: &str) -> Result<u64, IntakeError> {
    leb128::read::unsigned(input)
        .map_err(|e| IntakeError::Malformed(format!("the {what} is not a valid number: {e}")))
}

fn sleb(input: &mut &[u8], what: &str) -> Result<i64, IntakeError> {
    leb128::read::signed(input)
        .map_err(|e| IntakeError::Malformed(format!("the {what} is not a valid number: {e}")))
}
