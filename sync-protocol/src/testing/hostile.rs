//! Sync messages an attacker would craft, for tests of both ends (feature `testing`).
//!
//! Each is built the way an attacker would build it: by hand, from Automerge's binary format,
//! not through Automerge's own encoder, which would never write them.

use std::io::Write;

use automerge::AutoCommit;
use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT};
use flate2::Compression;
use flate2::write::DeflateEncoder;
use sha2::{Digest, Sha256};

use crate::Replica;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The zeros one piece of a deflate bomb inflates to.
pub const BOMB_SEGMENT_BYTES: u64 = 1024 * 1024;
/// A final, empty deflate block with fixed codes: ends a stream of non-final blocks.
const FINAL_EMPTY_BLOCK: [u8; 2] = [0x03, 0x00];

/// One piece of a deflate bomb: [`BOMB_SEGMENT_BYTES`] zeros, compressed and flushed to a
/// byte boundary without ending the stream, so pieces can follow each other. Its
/// back-references reach only zeros, which is what precedes it in any repetition.
pub fn bomb_segment() -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0_u8; 64 * 1024];
    for _ in 0..(BOMB_SEGMENT_BYTES / zeros.len() as u64) {
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&zeros);
    }
    let _ = encoder.flush();
    encoder.get_ref().clone()
}

/// A raw deflate stream of `segments` bomb segments: it inflates to
/// `segments × BOMB_SEGMENT_BYTES` zeros.
pub fn deflate_bomb(segment: &[u8], segments: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(segment.len() * segments as usize + 2);
    for _ in 0..segments {
        out.extend_from_slice(segment);
    }
    out.extend_from_slice(&FINAL_EMPTY_BLOCK);
    out
}

/// How many segments fit a message of at most `message_bytes`.
pub fn segments_within(segment: &[u8], message_bytes: usize) -> u64 {
    // Room for the chunk header and the message envelope.
    (message_bytes.saturating_sub(64) / segment.len()) as u64
}

fn uleb(out: &mut Vec<u8>, value: u64) {
    // Writing into a Vec cannot fail.
    let _ = leb128::write::unsigned(out, value);
}

fn sleb(out: &mut Vec<u8>, value: i64) {
    let _ = leb128::write::signed(out, value);
}

fn chunk(kind: u8, data: &[u8]) -> Vec<u8> {
    // The checksum: the first bytes of the SHA-256 of type, length and data, as Automerge
    // checks it, so that a chunk is refused for what it holds and not for a bad checksum.
    let mut framed = vec![kind];
    uleb(&mut framed, data.len() as u64);
    framed.extend_from_slice(data);
    let hash = Sha256::digest(&framed);
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&hash[..4]);
    out.extend_from_slice(&framed);
    out
}

/// A version-1 sync message with no heads, needs or haves that carries `chunks`.
pub fn sync_message(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0x42, 0, 0, 0];
    uleb(&mut out, chunks.len() as u64);
    for c in chunks {
        uleb(&mut out, c.len() as u64);
        out.extend_from_slice(c);
    }
    out
}

/// A compressed change chunk (type 2) whose data is `deflated`.
pub fn compressed_change_chunk(deflated: &[u8]) -> Vec<u8> {
    chunk(2, deflated)
}

/// A document chunk (type 0) whose one change column is the deflated `column`.
pub fn document_chunk_with_deflated_column(column: &[u8]) -> Vec<u8> {
    let mut data = vec![0, 0]; // no actors, no heads
    uleb(&mut data, 1); // one change column
    uleb(&mut data, (1 << 4) | 0b1000 | 2); // column 1, deflated, integers
    uleb(&mut data, column.len() as u64);
    uleb(&mut data, 0); // no op columns
    data.extend_from_slice(column);
    chunk(0, &data)
}

/// A change chunk (type 1) whose action column repeats one action `rows` times: a few bytes
/// that Automerge would expand into `rows` operations.
pub fn run_length_change_chunk(rows: i64) -> Vec<u8> {
    let mut column = Vec::new();
    sleb(&mut column, rows);
    uleb(&mut column, 1); // the action "put"
    let mut data = vec![0]; // no dependencies
    uleb(&mut data, 1);
    data.push(0x01); // a one-byte actor id
    uleb(&mut data, 1); // seq
    uleb(&mut data, 1); // start op
    sleb(&mut data, 0); // time
    uleb(&mut data, 0); // no message
    uleb(&mut data, 0); // no other actors
    uleb(&mut data, 1); // one op column
    uleb(&mut data, (4 << 4) | 2); // the action column
    uleb(&mut data, column.len() as u64);
    data.extend_from_slice(&column);
    chunk(1, &data)
}

/// A change chunk (type 1) that nests `depth` lists, each the first item of the one before,
/// under the root's key "nest": one operation per level, written with run-length columns, so
/// the message has about three bytes per level (what the object counters take).
pub fn nested_lists_change_chunk(depth: u64) -> Vec<u8> {
    let levels = depth.max(1);
    let inner = levels - 1;
    let mut columns: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut column = |spec: u64, write: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = Vec::new();
        write(&mut bytes);
        columns.push((spec, bytes));
    };
    // The object each operation is in: the root first, then the list made just before.
    column(1, &|c| {
        sleb(c, 0);
        uleb(c, 1);
        if inner > 0 {
            sleb(c, inner as i64);
            uleb(c, 0);
        }
    });
    column(2, &|c| {
        sleb(c, 0);
        uleb(c, 1);
        if inner > 0 {
            sleb(c, -(inner as i64));
            for counter in 1..=inner {
                uleb(c, counter);
            }
        }
    });
    // The key: "nest" in the root, then the head of each list.
    column((1 << 4) | 3, &|c| {
        sleb(c, 0);
        uleb(c, 1);
        if inner > 0 {
            sleb(c, inner as i64);
            sleb(c, 0);
        }
    });
    column((1 << 4) | 5, &|c| {
        sleb(c, -1);
        uleb(c, 4);
        c.extend_from_slice(b"nest");
        if inner > 0 {
            sleb(c, 0);
            uleb(c, inner);
        }
    });
    // Inserted: no for the root's key, yes for every list item.
    column((3 << 4) | 4, &|c| {
        uleb(c, 1);
        if inner > 0 {
            uleb(c, inner);
        }
    });
    column((4 << 4) | 2, &|c| {
        sleb(c, levels as i64);
        uleb(c, 2); // make a list
    });
    column((5 << 4) | 6, &|c| {
        sleb(c, levels as i64);
        uleb(c, 0); // no value
    });
    column(7 << 4, &|c| {
        sleb(c, levels as i64);
        uleb(c, 0); // no predecessors
    });
    let mut data = vec![0]; // no dependencies
    uleb(&mut data, 16);
    data.extend_from_slice(&[0xa7; 16]); // the actor
    uleb(&mut data, 1); // seq
    uleb(&mut data, 1); // start op
    sleb(&mut data, 0); // time
    uleb(&mut data, 0); // no message
    uleb(&mut data, 0); // no other actors
    uleb(&mut data, columns.len() as u64);
    for (spec, bytes) in &columns {
        uleb(&mut data, *spec);
        uleb(&mut data, bytes.len() as u64);
    }
    for (_, bytes) in &columns {
        data.extend_from_slice(bytes);
    }
    chunk(1, &data)
}

/// A bundle chunk (type 3), which this protocol never sends.
pub fn bundle_chunk() -> Vec<u8> {
    chunk(3, &[0; 16])
}

/// A first message from a document whose root holds lists nested `depth` levels deep, as a
/// peer that believes the other side has nothing would send it.
pub fn nested_lists_message(depth: usize) -> Vec<u8> {
    let mut doc = AutoCommit::new();
    let mut parent = doc
        .put_object(ROOT, "nest", ObjType::List)
        .unwrap_or(automerge::ROOT);
    for _ in 1..depth {
        parent = doc
            .insert_object(&parent, 0, ObjType::List)
            .unwrap_or(automerge::ROOT);
    }
    first_message(doc)
}

/// What a peer that believes the other side has nothing sends first for `doc`.
pub fn first_message(doc: AutoCommit) -> Vec<u8> {
    let mut sender = Replica::from_parts(doc, None);
    sender.expect_peer_at_last_sync();
    sender.generate().unwrap_or_default()
}
