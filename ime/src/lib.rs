//! Pinyin input method for the kiosk's on-screen keyboard: citizens type Chinese free text (a
//! courier recipient's name and address, a question to the hall) without any system IME.
//!
//! What this crate is: a [`Composer`] holding the pinyin typed so far (full pinyin without tones,
//! `v` for ü, `'` to separate syllables), its segmentation into syllables for display
//! ([`Composer::preedit`], "chao'yang") and the candidates it gives, best first, which the
//! keyboard pages through and commits ([`Composer::choose`]). The table is embedded
//! (`data/pinyin.txt`, generated from pypinyin and jieba by `scripts/gen-pinyin-table`) and
//! parsed once, at first use, for every composer.
//!
//! Candidates, in this order: the words (2-4 characters) whose pinyin is the whole input; the
//! words whose pinyin is a leading part of it, longest first; the characters of the first
//! syllable. Within each group the more frequent come first, and an exact syllable before a
//! longer syllable it begins ("xian" offers 先 before 想). A trailing syllable still being typed
//! ("beij", "zh") matches every syllable it begins, and so does any piece that is only the start
//! of a syllable ("bj" offers 北京).
//!
//! What it is not: no tones, no double pinyin (shuangpin), no learning from what was chosen, no
//! sentence assembly beyond one word: a long input is committed word by word, each choice
//! consuming its syllables and leaving the rest.

mod segment;
mod table;

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use segment::{Kind, Token, segment};
use table::{MAX_WORD_LEN, TABLE, Table};

/// The most letters (apostrophes included) a composer holds; [`Composer::push`] refuses more.
pub const MAX_PINYIN_LEN: usize = 32;

/// Pinyin typed so far and the candidates it gives.
///
/// ```
/// let mut composer = ime::Composer::new();
/// for c in "beijingchaoyang".chars() {
///     assert!(composer.push(c));
/// }
/// assert_eq!(composer.preedit(), "bei'jing'chao'yang");
/// assert_eq!(composer.candidates(0, 1), ["北京"]);
/// // Choosing 北京 consumes bei'jing; chao'yang stays for the next choice.
/// assert_eq!(composer.choose(0).as_deref(), Some("北京"));
/// assert_eq!(composer.preedit(), "chao'yang");
/// assert!(!composer.push('A'));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Composer {
    /// Letters a-z and apostrophes, never starting with an apostrophe nor with two in a row.
    input: String,
    /// The input cut into syllables.
    tokens: Vec<Token>,
    /// Every candidate for the input, best first.
    candidates: Vec<Candidate>,
}

/// One candidate: its text and how many tokens it consumes when chosen.
#[derive(Debug, Clone)]
struct Candidate {
    text: Cow<'static, str>,
    covers: usize,
}

impl Composer {
    /// An empty composer over the embedded table (parsed on first use, then shared).
    pub fn new() -> Composer {
        Composer::default()
    }

    /// Types a letter `a`-`z`, or `'` to end a syllable. Refuses (returns false, changes nothing)
    /// any other character, an apostrophe at the start or after another, and anything past
    /// [`MAX_PINYIN_LEN`].
    pub fn push(&mut self, c: char) -> bool {
        let accepted = match c {
            'a'..='z' => true,
            '\'' => !self.input.is_empty() && !self.input.ends_with('\''),
            _ => false,
        };
        if !accepted || self.input.len() >= MAX_PINYIN_LEN {
            return false;
        }
        self.input.push(c);
        self.update();
        true
    }

    /// Deletes the last letter (or apostrophe); nothing when empty.
    pub fn pop(&mut self) {
        if self.input.pop().is_some() {
            self.update();
        }
    }

    /// Forgets everything typed.
    pub fn clear(&mut self) {
        self.input.clear();
        self.update();
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The letters cut into syllables for display, e.g. "chao'yang" for "chaoyang" (a trailing
    /// apostrophe the citizen typed is kept).
    pub fn preedit(&self) -> String {
        let mut out = String::with_capacity(self.input.len() + self.tokens.len());
        for token in &self.tokens {
            if !out.is_empty() {
                out.push('\'');
            }
            out.push_str(self.input.get(token.span.clone()).unwrap_or_default());
        }
        if self.input.ends_with('\'') && !out.is_empty() {
            out.push('\'');
        }
        out
    }

    /// Up to `count` candidates from the `offset`-th, best first (empty past the end).
    pub fn candidates(&self, offset: usize, count: usize) -> Vec<String> {
        self.candidates
            .iter()
            .skip(offset)
            .take(count)
            .map(|c| c.text.to_string())
            .collect()
    }

    /// How many candidates there are in all.
    pub fn candidate_count(&self) -> usize {
        self.candidates.len()
    }

    /// Commits candidate `index` (counted from the first, not from a page): returns its text and
    /// removes the syllables it covers; the rest of the letters stay for the next choice. `None`
    /// (and nothing changes) when `index` is out of range.
    pub fn choose(&mut self, index: usize) -> Option<String> {
        let candidate = self.candidates.get(index)?;
        let text = candidate.text.to_string();
        let end = candidate
            .covers
            .checked_sub(1)
            .and_then(|last| self.tokens.get(last))
            .map_or(self.input.len(), |t| t.span.end);
        let rest = self.input.get(end..).unwrap_or_default();
        self.input = rest.trim_start_matches('\'').to_string();
        self.update();
        Some(text)
    }

    /// Re-cuts the input and recomputes the candidates.
    fn update(&mut self) {
        let table = &*TABLE;
        self.tokens = segment(table, &self.input);
        self.candidates = candidates_for(table, &self.input, &self.tokens);
    }
}

/// How a word's syllable matches a token: 0 exactly (or as a partial syllable's completion),
/// 1 as a longer syllable the last typed syllable begins ("xian" -> xiang).
fn tier(token: &Token, syllable: u16, extension: Option<&Range<u16>>) -> Option<u8> {
    match &token.kind {
        Kind::Syllable(id) if *id == syllable => Some(0),
        Kind::Syllable(_) => extension.filter(|r| r.contains(&syllable)).map(|_| 1),
        Kind::Partial(range) => range.contains(&syllable).then_some(0),
        Kind::Raw => None,
    }
}

/// Every candidate for the tokens, best first, each text once.
fn candidates_for(table: &Table, input: &str, tokens: &[Token]) -> Vec<Candidate> {
    let Some(first) = tokens.first() else {
        return Vec::new();
    };
    let n = tokens.len();
    // The last token, if a whole syllable, also stands for the longer syllables it begins.
    let extension = tokens.last().and_then(|t| match t.kind {
        Kind::Syllable(_) => Some(table.prefix_range(input.get(t.span.clone()).unwrap_or(""))),
        _ => None,
    });
    let extension_at = |i: usize| if i + 1 == n { extension.as_ref() } else { None };

    // (group, tier, frequency rank, text, tokens covered); group 0 is the whole input, then one
    // syllable fewer each, then the characters.
    let mut scored: Vec<(usize, u8, u32, &'static str, usize)> = Vec::new();
    let first_ids: Range<u16> = match &first.kind {
        Kind::Syllable(id) => match extension_at(0) {
            Some(ext) if !ext.is_empty() => ext.start.min(*id)..ext.end.max(id.saturating_add(1)),
            _ => *id..id.saturating_add(1),
        },
        Kind::Partial(range) => range.clone(),
        Kind::Raw => 0..0,
    };

    if n >= 2 {
        for id in first_ids.clone() {
            for &rank in table.words_starting(id) {
                let Some(word) = table.words.get(rank as usize) else {
                    continue;
                };
                let syllables = word.syllables();
                let k = syllables.len();
                if k > n || k > MAX_WORD_LEN {
                    continue;
                }
                let mut worst = 0u8;
                let mut matched = true;
                for (i, (token, &syllable)) in tokens.iter().zip(syllables).enumerate() {
                    match tier(token, syllable, extension_at(i)) {
                        Some(t) => worst = worst.max(t),
                        None => {
                            matched = false;
                            break;
                        }
                    }
                }
                if matched {
                    scored.push((n - k, worst, rank, word.text, k));
                }
            }
        }
    }

    // The characters of the first syllable: exact reading first, then by frequency, then by
    // place in the syllable's list, then by character. Each is one character, so the order fits
    // one integer key (see `char_key`): a plain integer sort, and the duplicates (a character
    // read several ways within the range) found by code point.
    let mut chars: Vec<(u64, &'static str)> = Vec::new();
    for id in first_ids {
        let Some(t) = tier(first, id, extension_at(0)) else {
            continue;
        };
        for (position, entry) in table.chars_of(id).iter().enumerate() {
            if let Some(key) = char_key(t, entry.freq, position, entry.text) {
                chars.push((key, entry.text));
            }
        }
    }
    chars.sort_unstable_by_key(|c| c.0);
    scored.sort_unstable_by_key(|a| (a.0, a.1, a.2));

    // Words have 2 to 4 characters, so a word never repeats a character candidate.
    let mut seen_words: HashSet<&str> = HashSet::with_capacity(scored.len());
    let mut seen_chars: HashSet<u32, CodePointHash> =
        HashSet::with_capacity_and_hasher(chars.len(), CodePointHash);
    let mut out: Vec<Candidate> = Vec::with_capacity(scored.len() + chars.len() + 1);
    for (_, _, _, text, covers) in scored {
        if seen_words.insert(text) {
            out.push(Candidate {
                text: Cow::Borrowed(text),
                covers,
            });
        }
    }
    for (key, text) in chars {
        if seen_chars.insert(code_point(key)) {
            out.push(Candidate {
                text: Cow::Borrowed(text),
                covers: 1,
            });
        }
    }
    if matches!(first.kind, Kind::Raw) {
        // A letter that begins no syllable is offered as itself, so it can still be committed.
        if let Some(letter) = input.get(first.span.clone()).filter(|s| !s.is_empty()) {
            out.push(Candidate {
                text: Cow::Owned(letter.to_string()),
                covers: 1,
            });
        }
    }
    out
}

/// Bits of [`char_key`] given to the character's place in its syllable's list.
const POSITION_BITS: u32 = 22;
/// Bits of [`char_key`] given to the code point (Unicode's last is U+10FFFF: 21 bits).
const CODE_POINT_BITS: u32 = 21;

/// A character candidate's sort key: (tier, frequency descending, position, code point) packed
/// into one integer, ordered as the tuple would be (UTF-8 orders strings by code point, so the
/// last field orders as the text did). A position past 2^22 (no syllable has a list that long)
/// would share the last value, and such ties fall to the code point. `None` for a text that is
/// not exactly one character (the table gives none).
fn char_key(tier: u8, freq: u8, position: usize, text: &str) -> Option<u64> {
    let mut it = text.chars();
    let (Some(c), None) = (it.next(), it.next()) else {
        return None;
    };
    let position = u64::try_from(position)
        .unwrap_or(u64::MAX)
        .min((1 << POSITION_BITS) - 1);
    Some(
        (u64::from(tier) << (8 + POSITION_BITS + CODE_POINT_BITS))
            | (u64::from(u8::MAX - freq) << (POSITION_BITS + CODE_POINT_BITS))
            | (position << CODE_POINT_BITS)
            | u64::from(u32::from(c)),
    )
}

/// The code point a [`char_key`] ends with.
fn code_point(key: u64) -> u32 {
    u32::try_from(key & ((1 << CODE_POINT_BITS) - 1)).unwrap_or(0)
}

/// Hashes code points for the duplicate check: one multiplication (Fibonacci hashing) instead of
/// SipHash, which the table's own data cannot turn against (no outside input picks the keys).
#[derive(Clone, Copy, Default)]
struct CodePointHash;

impl std::hash::BuildHasher for CodePointHash {
    type Hasher = CodePointHasher;
    fn build_hasher(&self) -> CodePointHasher {
        CodePointHasher(0)
    }
}

/// See [`CodePointHash`].
struct CodePointHasher(u64);

impl std::hash::Hasher for CodePointHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Sizes of a freshly parsed table, for the benchmark.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct TableStats {
    /// Syllables.
    pub syllables: usize,
    /// (character, reading) entries.
    pub char_entries: usize,
    /// Words of 2-4 characters.
    pub words: usize,
    /// Bytes of the embedded text.
    pub text_bytes: usize,
    /// Heap bytes the parsed structures hold (vector capacities; the texts are not copied).
    pub heap_bytes: usize,
}

/// For the benchmark: parses the embedded table afresh, and measures it.
#[doc(hidden)]
pub fn parse_embedded_table() -> TableStats {
    let table = Table::parse(table::EMBEDDED);
    TableStats {
        syllables: table.syllables.len(),
        char_entries: table.char_entries(),
        words: table.words.len(),
        text_bytes: table::EMBEDDED.len(),
        heap_bytes: table.heap_bytes(),
    }
}

#[cfg(test)]
mod tests;
