//! Segmentation of the typed letters into syllables.
//!
//! The letters between apostrophes are cut independently. Each piece is a whole syllable
//! ([`Kind::Syllable`]), the beginning of one ([`Kind::Partial`], "zh", or "b" in "bj") or, when
//! nothing fits, a single letter that begins no syllable ([`Kind::Raw`], like a lone "v"). Among
//! the cuts that cover everything the best has the fewest raw letters, then the fewest partial
//! pieces, then the fewest pieces; ties go to the longest first piece ("gangao" -> gang'ao).

use std::ops::Range;

use crate::table::{MAX_SYLLABLE_LEN, Table};

/// What a piece of the input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A whole syllable (its id).
    Syllable(u16),
    /// The beginning of the syllables in this id range.
    Partial(Range<u16>),
    /// A letter that begins no syllable.
    Raw,
}

/// One piece of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Its byte range in the input.
    pub span: Range<usize>,
    /// What it is.
    pub kind: Kind,
}

/// Cost of a cut: (raw letters, partial pieces, pieces); smaller is better.
type Cost = (usize, usize, usize);

/// Cuts `input` (letters a-z and apostrophes) into tokens.
pub(crate) fn segment(table: &Table, input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = 0;
    for chunk in input.split('\'') {
        segment_chunk(table, chunk, start, &mut tokens);
        start += chunk.len() + 1;
    }
    tokens
}

fn classify(table: &Table, piece: &str) -> Option<(Kind, Cost)> {
    if let Some(id) = table.syllable(piece) {
        return Some((Kind::Syllable(id), (0, 0, 1)));
    }
    let range = table.prefix_range(piece);
    if !range.is_empty() {
        return Some((Kind::Partial(range), (0, 1, 1)));
    }
    (piece.len() == 1).then_some((Kind::Raw, (1, 0, 1)))
}

fn segment_chunk(table: &Table, chunk: &str, offset: usize, tokens: &mut Vec<Token>) {
    let n = chunk.len();
    if n == 0 || !chunk.is_ascii() {
        return;
    }
    // best[i]: the best cut of chunk[i..] as (cost, length of its first piece, kind of it).
    let mut best: Vec<Option<(Cost, usize, Kind)>> = vec![None; n + 1];
    for i in (0..n).rev() {
        let mut here: Option<(Cost, usize, Kind)> = None;
        for len in (1..=MAX_SYLLABLE_LEN.min(n - i)).rev() {
            let Some(piece) = chunk.get(i..i + len) else {
                continue;
            };
            let Some((kind, cost)) = classify(table, piece) else {
                continue;
            };
            let rest = if i + len == n {
                Some((0, 0, 0))
            } else {
                best.get(i + len).and_then(|b| b.as_ref().map(|b| b.0))
            };
            let Some(rest) = rest else { continue };
            let total = (cost.0 + rest.0, cost.1 + rest.1, cost.2 + rest.2);
            if here.as_ref().is_none_or(|h| total < h.0) {
                here = Some((total, len, kind));
            }
        }
        if let Some(slot) = best.get_mut(i) {
            *slot = here;
        }
    }
    let mut i = 0;
    while i < n {
        // A single letter is always classifiable (at worst Raw), so every position has a cut.
        let Some(Some((_, len, kind))) = best.get(i) else {
            break;
        };
        tokens.push(Token {
            span: offset + i..offset + i + len,
            kind: kind.clone(),
        });
        i += len;
    }
}
