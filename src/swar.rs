//! Byte scans a word (eight bytes) at a time: the long plain runs of a description's text are passed over by
//! word instead of byte by byte. Every mask here is exact: a byte's high bit is set only where that byte
//! matches, so the lowest set bit is the first match. [`lane_bits`] classifies sixteen bytes at once (with SSE2
//! on x86_64) for the JSON scan and its whitespace compaction.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes at `pos` as one word, first byte lowest (the caller checks that they are there).
pub fn word_at(bytes: &[u8], pos: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[pos..pos + 8]);
    u64::from_le_bytes(word)
}

/// Each byte's high bit set where that byte of `word` is zero.
pub fn zero_bytes(word: u64) -> u64 {
    // Exact, unlike the shorter form: bytes above a zero one stay clear.
    !(((word & !HIGHS) + !HIGHS) | word) & HIGHS
}

/// Each byte's high bit set where that byte of `word` is `byte`.
pub fn bytes_equal(word: u64, byte: u8) -> u64 {
    zero_bytes(word ^ (ONES * u64::from(byte)))
}

/// Each byte's high bit set where that byte of `word` is a control character (below 0x20).
pub fn control_bytes(word: u64) -> u64 {
    // Below 0x20 exactly when the top three bits are clear.
    zero_bytes(word & (ONES * 0xE0))
}

/// Each byte's high bit set where that byte of `word` is not ASCII.
pub fn high_bytes(word: u64) -> u64 {
    word & HIGHS
}

/// The index of the first byte in `mask`'s word at `pos` (`mask` not zero).
pub fn first(pos: usize, mask: u64) -> usize {
    pos + (mask.trailing_zeros() / 8) as usize
}

/// Where the run from `pos` of printable ASCII other than `"` and `\` ends: at the first quote, backslash,
/// control character, DEL or non-ASCII byte, or at the end.
pub fn plain_ascii_end(bytes: &[u8], mut pos: usize) -> usize {
    while pos + 8 <= bytes.len() {
        let word = word_at(bytes, pos);
        let stops = bytes_equal(word, b'"')
            | bytes_equal(word, b'\\')
            | bytes_equal(word, 0x7f)
            | control_bytes(word)
            | high_bytes(word);
        if stops != 0 {
            return first(pos, stops);
        }
        pos += 8;
    }
    while pos < bytes.len() && !is_stop(bytes[pos]) {
        pos += 1;
    }
    pos
}

fn is_stop(byte: u8) -> bool {
    matches!(byte, b'"' | b'\\' | 0..0x20 | 0x7f..)
}

/// One bit per byte of a 16-byte lane, first byte lowest: its quotes, its backslashes, and its bytes at or
/// below some limit.
pub struct LaneBits {
    pub quotes: u16,
    pub backslashes: u16,
    pub at_most: u16,
}

/// The [`LaneBits`] of `lane`, `at_most` marking the bytes at or below `limit`.
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn lane_bits(lane: &[u8; 16], limit: u8) -> LaneBits {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of every x86_64 processor; the load reads the 16 bytes of `lane`, with no alignment
    // required.
    unsafe {
        let bytes = _mm_loadu_si128(lane.as_ptr().cast::<__m128i>());
        let bits = |mask| _mm_movemask_epi8(mask) as u16;
        LaneBits {
            quotes: bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8))),
            backslashes: bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8))),
            // At or below the limit exactly when the unsigned minimum with it is the byte itself.
            at_most: bits(_mm_cmpeq_epi8(
                _mm_min_epu8(bytes, _mm_set1_epi8(limit as i8)),
                bytes,
            )),
        }
    }
}

/// The [`LaneBits`] of `lane`, `at_most` marking the bytes at or below `limit`.
#[cfg(not(target_arch = "x86_64"))]
pub fn lane_bits(lane: &[u8; 16], limit: u8) -> LaneBits {
    let mut bits = LaneBits {
        quotes: 0,
        backslashes: 0,
        at_most: 0,
    };
    for (i, &byte) in lane.iter().enumerate() {
        bits.quotes |= u16::from(byte == b'"') << i;
        bits.backslashes |= u16::from(byte == b'\\') << i;
        bits.at_most |= u16::from(byte <= limit) << i;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::{is_stop, lane_bits, plain_ascii_end};

    #[test]
    fn plain_runs_end_where_a_byte_loop_says() {
        let fillers: [&[u8]; 3] = [b"ab c~", b"a\xc3\xa9", b"x\x01\x1f\x7f\x80\xe0"];
        for filler in fillers {
            for length in 0..24 {
                for stop in [b'"', b'\\', 0x7f, 0x1f, b'\n', 0xc3, b'z'] {
                    let mut bytes: Vec<u8> = filler.iter().copied().cycle().take(length).collect();
                    bytes.push(stop);
                    bytes.extend_from_slice(b"abc");
                    for start in 0..=bytes.len() {
                        let expected = (start..bytes.len())
                            .find(|&i| is_stop(bytes[i]))
                            .unwrap_or(bytes.len());
                        assert_eq!(
                            plain_ascii_end(&bytes, start),
                            expected,
                            "{bytes:?} from {start}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn lane_bits_mark_what_a_byte_loop_marks() {
        for byte in 0..=255u8 {
            for at in 0..16 {
                let mut lane = [b'a'; 16];
                lane[at] = byte;
                for limit in [0x1f, 0x20] {
                    let bits = lane_bits(&lane, limit);
                    let expect = |hit: bool| u16::from(hit) << at;
                    assert_eq!(bits.quotes, expect(byte == b'"'), "{byte:#x} at {at}");
                    assert_eq!(bits.backslashes, expect(byte == b'\\'), "{byte:#x} at {at}");
                    assert_eq!(bits.at_most, expect(byte <= limit), "{byte:#x} at {at}");
                }
            }
        }
    }
}
