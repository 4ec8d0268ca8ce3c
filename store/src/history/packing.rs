//! How a projection history state is stored: lz4 blocks of a mebibyte of the state each, so
//! that reading a place back unpacks on every core.
//!
//! ```text
//! \0\0\0\0lz4b                                  the mark of this layout
//! <unpacked length u32 LE><packed length u32 LE><lz4 block>     one frame per BLOCK of state
//! ...
//! ```
//!
//! The first layout was one lz4 block of the whole state with its length in front (lz4_flex's
//! `compress_prepend_size`). At 100,000 initiatives the map's 144 MB took 100–200 ms to unpack
//! on one thread, the largest single part of an as-of read. Places written in that layout are
//! still read: it never begins with four zero bytes, which would declare an empty state, and no
//! read model's state is empty (it is JSON).

use crate::StoreError;

/// What begins a state packed in blocks.
const MARK: &[u8; 8] = b"\0\0\0\0lz4b";

/// State bytes per block: many blocks for the threads to share, each far larger than its
/// eight bytes of frame.
const BLOCK: usize = 1 << 20;

/// `state` packed in blocks.
pub fn pack(state: &[u8]) -> Vec<u8> {
    let mut packed = Vec::with_capacity(MARK.len() + state.len() / 3);
    packed.extend_from_slice(MARK);
    for block in state.chunks(BLOCK) {
        let compressed = lz4_flex::block::compress(block);
        for length in [block.len(), compressed.len()] {
            // A block is at most BLOCK bytes and lz4 grows what it cannot compress by less
            // than one percent: both lengths fit in 32 bits.
            packed.extend_from_slice(&(length as u32).to_le_bytes());
        }
        packed.extend_from_slice(&compressed);
    }
    packed
}

/// A state as [`pack`] (or the first layout) stored it.
pub fn unpack(packed: &[u8]) -> Result<Vec<u8>, StoreError> {
    let Some(framed) = packed.strip_prefix(MARK) else {
        return lz4_flex::decompress_size_prepended(packed).map_err(|e| unreadable(e.to_string()));
    };
    let frames = frames(framed)?;
    let length = frames.iter().map(|f| f.unpacked).sum();
    // Zeroed lazily by the allocator: each page is first touched by the thread unpacking into it.
    let mut state = vec![0u8; length];
    let runs = runs(&frames, &mut state, crate::cores());
    std::thread::scope(|scope| {
        let workers: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || unpack_run(run)))
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })?;
    Ok(state)
}

/// One block as stored: its bytes and how long it unpacks to.
struct Frame<'a> {
    unpacked: usize,
    block: &'a [u8],
}

/// The frames of a state, checked to lie within it end to end.
fn frames(mut framed: &[u8]) -> Result<Vec<Frame<'_>>, StoreError> {
    let mut frames = Vec::new();
    while !framed.is_empty() {
        let (Some(unpacked), Some(packed)) = (u32_at(framed, 0), u32_at(framed, 4)) else {
            return Err(unreadable("a block's lengths are cut short"));
        };
        let Some(block) = framed.get(8..8 + packed) else {
            return Err(unreadable("a block is cut short"));
        };
        if unpacked > BLOCK {
            return Err(unreadable("a block is longer than blocks are"));
        }
        frames.push(Frame { unpacked, block });
        framed = &framed[8 + packed..];
    }
    Ok(frames)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let four: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(four) as usize)
}

/// Frames with the part of the state each unpacks into, in `threads` runs of consecutive frames.
type Run<'f, 's> = Vec<(&'f Frame<'f>, &'s mut [u8])>;

fn runs<'f, 's>(
    frames: &'f [Frame<'f>],
    mut state: &'s mut [u8],
    threads: usize,
) -> Vec<Run<'f, 's>> {
    let per_run = frames.len().div_ceil(threads.max(1)).max(1);
    frames
        .chunks(per_run)
        .map(|run| {
            run.iter()
                .map(|frame| {
                    let (into, rest) = std::mem::take(&mut state).split_at_mut(frame.unpacked);
                    state = rest;
                    (frame, into)
                })
                .collect()
        })
        .collect()
}

fn unpack_run(run: Run<'_, '_>) -> Result<(), StoreError> {
    for (frame, into) in run {
        let written = lz4_flex::block::decompress_into(frame.block, into)
            .map_err(|e| unreadable(e.to_string()))?;
        if written != into.len() {
            return Err(unreadable("a block unpacks shorter than its length"));
        }
    }
    Ok(())
}

fn unreadable(reason: impl std::fmt::Display) -> StoreError {
    StoreError::Persistence(format!("a projection history state: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that compress somewhat, as JSON does, and differ from block to block.
    fn state(len: usize) -> Vec<u8> {
        const JSON: &[u8] = br#"{"name":"Cluster","n":"#;
        (0..len)
            .map(|n| JSON[n % JSON.len()] ^ (n / 4_099) as u8)
            .collect()
    }

    #[test]
    fn a_state_of_any_length_reads_back_whole() {
        for len in [1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 17] {
            let state = state(len);
            let packed = pack(&state);
            assert!(packed.starts_with(MARK));
            if len > 1_000 {
                assert!(packed.len() < state.len() / 2, "{len} bytes compress");
            }
            assert_eq!(
                frames(&packed[MARK.len()..]).unwrap().len(),
                len.div_ceil(BLOCK)
            );
            for threads in [1, 2, 3, 64] {
                let frames = frames(&packed[MARK.len()..]).unwrap();
                let mut out = vec![0; len];
                for run in runs(&frames, &mut out, threads) {
                    unpack_run(run).unwrap();
                }
                assert!(out == state, "{len} bytes on {threads} threads");
            }
            assert!(unpack(&packed).unwrap() == state, "{len} bytes");
        }
    }

    #[test]
    fn a_state_in_the_first_layout_still_reads_back() {
        let state = state(3 * BLOCK + 5);
        let first = lz4_flex::compress_prepend_size(&state);
        assert!(!first.starts_with(MARK));
        assert!(unpack(&first).unwrap() == state);
    }

    #[test]
    fn a_damaged_state_is_an_error_not_a_panic() {
        let packed = pack(&state(2 * BLOCK + 3));
        let error = |bytes: &[u8]| unpack(bytes).unwrap_err().to_string();
        assert!(error(&packed[..packed.len() - 1]).contains("a block is cut short"));
        assert!(error(&packed[..MARK.len() + 5]).contains("lengths are cut short"));
        let mut longer = packed.clone();
        longer[MARK.len()..MARK.len() + 4].copy_from_slice(&(BLOCK as u32 + 1).to_le_bytes());
        assert!(error(&longer).contains("longer than blocks are"));
        let mut shorter = packed.clone();
        shorter[MARK.len()..MARK.len() + 4].copy_from_slice(&(BLOCK as u32 - 1).to_le_bytes());
        assert!(!error(&shorter).is_empty());
        let mut garbled = packed.clone();
        let block = MARK.len() + 8;
        garbled[block..block + 64].fill(0xff);
        assert!(!error(&garbled).is_empty());
    }
}
