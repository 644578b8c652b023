//! A JSON text without the whitespace between its tokens, made 64 bytes at a time (for a large text, on another
//! core while the scan checks the same text, `lazy.rs`), and a map from the text's positions to the compacted
//! one's.
//!
//! It trusts the text to be JSON: for anything else the result means nothing, and the scan (which refuses such
//! text) makes sure it is not used. In JSON a byte at or below 0x20 outside a string can only be whitespace,
//! and inside a string only a space, so whitespace is "at or below 0x20, outside a string".

use crate::swar::lane_bits;

const BLOCK: usize = 64;

pub(crate) struct Compacted {
    pub text: Vec<u8>,
    map: PositionMap,
}

/// For each block of the text, how many bytes before it were dropped, and which of its own bytes were.
struct PositionMap {
    dropped_before: Vec<u32>,
    dropped: Vec<u64>,
}

impl Compacted {
    /// Where the byte at `pos` of the text (or the end, at its length) lands in the compacted text.
    pub fn position(&self, pos: usize) -> usize {
        let (block, bit) = (pos / BLOCK, pos % BLOCK);
        let below = (1u64 << bit) - 1;
        let dropped = self.map.dropped_before[block] as usize
            + (self.map.dropped[block] & below).count_ones() as usize;
        pos - dropped
    }
}

/// Where a string is, carried from one block to the next.
#[derive(Default, Clone, Copy)]
struct State {
    in_string: bool,
    /// The block ended on a backslash that escapes the next block's first byte.
    escaped: bool,
}

/// The text without its whitespace between tokens, or `None` when it has none (or is longer than 4 GiB).
pub(crate) fn compact(bytes: &[u8]) -> Option<Compacted> {
    compact_with(bytes, Compress::detect())
}

fn compact_with(bytes: &[u8], compress: Compress) -> Option<Compacted> {
    u32::try_from(bytes.len()).ok()?;
    let blocks = bytes.len() / BLOCK + 1;
    let mut map = PositionMap {
        dropped_before: Vec::with_capacity(blocks),
        dropped: Vec::with_capacity(blocks),
    };
    // Zeroed by the allocator (fresh pages are zero already), with room for a last whole-block store.
    let mut text = vec![0u8; bytes.len() + BLOCK];
    let mut length = 0;
    let mut state = State::default();
    let mut dropped_total = 0u32;
    for (index, block) in bytes.chunks(BLOCK).enumerate() {
        let dropped = match block.try_into() {
            Ok(full) => {
                let dropped = dropped_in_full_block(full, &mut state);
                length = compress.keep(&mut text, length, bytes, index * BLOCK, dropped);
                dropped
            }
            Err(_) => {
                let dropped = dropped_byte_by_byte(block, &mut state);
                length = keep_runs(&mut text, length, bytes, index * BLOCK, dropped);
                dropped
            }
        };
        map.dropped_before.push(dropped_total);
        map.dropped.push(dropped);
        dropped_total += dropped.count_ones();
    }
    if bytes.len().is_multiple_of(BLOCK) {
        // The end of the text starts a block of its own.
        map.dropped_before.push(dropped_total);
        map.dropped.push(0);
    }
    text.truncate(length);
    (dropped_total > 0).then_some(Compacted { text, map })
}

/// How a whole block's kept bytes are copied: by one AVX-512 compress where the processor has it, else run by
/// run.
#[derive(Clone, Copy)]
enum Compress {
    Runs,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Compress {
    fn detect() -> Compress {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vbmi2")
        {
            return Compress::Avx512;
        }
        Compress::Runs
    }

    /// Copies the kept bytes of the whole block at `start` to `text` at `at` (with a block's room after it);
    /// returns where they end.
    fn keep(self, text: &mut [u8], at: usize, bytes: &[u8], start: usize, dropped: u64) -> usize {
        match self {
            Compress::Runs => keep_runs(text, at, bytes, start, dropped),
            #[cfg(target_arch = "x86_64")]
            Compress::Avx512 => {
                let block: &[u8; BLOCK] = bytes[start..start + BLOCK]
                    .try_into()
                    .expect("a whole block");
                let room: &mut [u8; BLOCK] = (&mut text[at..at + BLOCK])
                    .try_into()
                    .expect("a block's room");
                // SAFETY: `detect` found the processor features this function is compiled for.
                unsafe { compress_avx512(room, block, !dropped) };
                at + (!dropped).count_ones() as usize
            }
        }
    }
}

/// Stores the bytes of `block` that `kept` marks, in order, at the start of `room` (the rest is overwritten).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vbmi2")]
unsafe fn compress_avx512(room: &mut [u8; BLOCK], block: &[u8; BLOCK], kept: u64) {
    use std::arch::x86_64::{
        __m512i, _mm512_loadu_si512, _mm512_maskz_compress_epi8, _mm512_storeu_si512,
    };
    // SAFETY: both pointers are to 64 bytes, which is all that the unaligned load and store touch.
    unsafe {
        let bytes = _mm512_loadu_si512(block.as_ptr().cast::<__m512i>());
        let packed = _mm512_maskz_compress_epi8(kept, bytes);
        _mm512_storeu_si512(room.as_mut_ptr().cast::<__m512i>(), packed);
    }
}

/// Bytes copied at once for a short run: one unaligned 16-byte move, its tail overwritten by the next run.
const COPY: usize = 16;

/// Copies the bytes of the block at `start` that `dropped` does not mark to `text` at `at`, run by run; returns
/// where the copied bytes end.
fn keep_runs(text: &mut [u8], mut at: usize, bytes: &[u8], start: usize, dropped: u64) -> usize {
    let len = (bytes.len() - start).min(BLOCK);
    let mut kept = !dropped;
    if len < BLOCK {
        kept &= (1u64 << len) - 1;
    }
    while kept != 0 {
        let from = kept.trailing_zeros() as usize;
        let run = (!(kept >> from)).trailing_zeros().min(64) as usize;
        let source = start + from;
        if run <= COPY && source + COPY <= bytes.len() {
            text[at..at + COPY].copy_from_slice(&bytes[source..source + COPY]);
        } else {
            text[at..at + run].copy_from_slice(&bytes[source..source + run]);
        }
        at += run;
        kept &= if from + run == BLOCK {
            0
        } else {
            !0u64 << (from + run)
        };
    }
    at
}

/// The whitespace of a whole block: without backslashes, strings are where an odd number of quotes came before.
fn dropped_in_full_block(block: &[u8; BLOCK], state: &mut State) -> u64 {
    let masks = classify(block);
    if masks.backslashes != 0 || state.escaped {
        return dropped_byte_by_byte(block, state);
    }
    let carry = if state.in_string { !0 } else { 0 };
    let inside = prefix_xor(masks.quotes) ^ carry;
    state.in_string = inside >> 63 == 1;
    masks.low & !inside
}

/// The whitespace of a block followed byte by byte (escapes, and the text's last short block).
fn dropped_byte_by_byte(block: &[u8], state: &mut State) -> u64 {
    let mut dropped = 0;
    for (i, &byte) in block.iter().enumerate() {
        if state.in_string {
            if state.escaped {
                state.escaped = false;
            } else if byte == b'\\' {
                state.escaped = true;
            } else if byte == b'"' {
                state.in_string = false;
            }
        } else if byte == b'"' {
            state.in_string = true;
        } else if byte <= 0x20 {
            dropped |= 1 << i;
        }
    }
    dropped
}

/// Bit `i` of the result is the parity of bits `0..=i` of `bits`.
fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

/// One bit per byte of a block.
struct Masks {
    quotes: u64,
    backslashes: u64,
    /// Bytes at or below 0x20.
    low: u64,
}

fn classify(block: &[u8; BLOCK]) -> Masks {
    let mut masks = Masks {
        quotes: 0,
        backslashes: 0,
        low: 0,
    };
    for (i, lane) in block.chunks_exact(16).enumerate() {
        let bits = lane_bits(lane.try_into().expect("16 bytes"), 0x20);
        let shift = 16 * i;
        masks.quotes |= u64::from(bits.quotes) << shift;
        masks.backslashes |= u64::from(bits.backslashes) << shift;
        masks.low |= u64::from(bits.at_most) << shift;
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compaction byte by byte, keeping each kept byte's old position.
    fn reference(bytes: &[u8]) -> (Vec<u8>, Vec<usize>) {
        let mut state = State::default();
        let mut text = Vec::new();
        let mut kept_at = Vec::new();
        for (pos, &byte) in bytes.iter().enumerate() {
            if dropped_byte_by_byte(&[byte], &mut state) == 0 {
                text.push(byte);
                kept_at.push(pos);
            }
        }
        (text, kept_at)
    }

    /// Every way of copying this processor has.
    fn ways() -> Vec<Compress> {
        let mut ways = vec![Compress::Runs];
        if !matches!(Compress::detect(), Compress::Runs) {
            ways.push(Compress::detect());
        }
        ways
    }

    fn check(bytes: &[u8]) {
        for way in ways() {
            check_with(bytes, way);
        }
    }

    fn check_with(bytes: &[u8], compress: Compress) {
        let (expected, kept_at) = reference(bytes);
        match compact_with(bytes, compress) {
            None => assert_eq!(expected, bytes, "{:?}", String::from_utf8_lossy(bytes)),
            Some(compacted) => {
                assert_eq!(
                    compacted.text,
                    expected,
                    "{:?}",
                    String::from_utf8_lossy(bytes)
                );
                for (new, &old) in kept_at.iter().enumerate() {
                    assert_eq!(compacted.position(old), new, "position {old}");
                }
                assert_eq!(compacted.position(bytes.len()), expected.len());
            }
        }
    }

    #[test]
    fn whitespace_outside_strings_is_dropped_at_every_block_boundary() {
        let pieces: [&str; 8] = [
            "{\"a b\": [1, 2],\n  \"c\": \"x \\\" y\"}",
            "  \t\r\n",
            "\"\\\\\"",
            "\" \\\\ \\\" \"",
            "\"é ü\"",
            "{ }",
            "\"\\u0041 \\n\"",
            "[true , null]",
        ];
        for shift in 0..70 {
            for (i, piece) in pieces.iter().enumerate() {
                let mut text = " ".repeat(shift);
                for other in pieces.iter().cycle().skip(i).take(12) {
                    text.push_str(other);
                    text.push(' ');
                }
                text.push_str(piece);
                check(text.as_bytes());
            }
        }
    }

    #[test]
    fn backslash_runs_across_blocks_keep_the_string_state() {
        for run in 1..6 {
            for at in 55..70 {
                let mut text = format!("{{\"k\": \"{}", "a".repeat(at));
                text.push_str(&"\\".repeat(2 * run));
                text.push_str("\\\" still inside \"  ,  \"b\" : 1 }");
                check(text.as_bytes());
            }
        }
    }

    #[test]
    fn text_without_whitespace_is_kept_as_it_is() {
        assert!(compact(b"{\"a\":[1,\"b c\"]}").is_none());
        assert!(compact(b"").is_none());
        let padded = format!("{}\n", "[1]".repeat(64));
        check(padded.as_bytes());
    }

    #[test]
    fn prefix_xor_is_the_running_parity() {
        for bits in [0u64, 1, 0b1001, 0x8000_0000_0000_0001, 0xF0F0, u64::MAX] {
            let mut parity = false;
            for i in 0..64 {
                parity ^= bits >> i & 1 == 1;
                assert_eq!(prefix_xor(bits) >> i & 1 == 1, parity, "{bits:x} at {i}");
            }
        }
    }
}
