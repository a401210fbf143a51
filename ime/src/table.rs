//! The pinyin table: syllables, the characters of each syllable and the multi-character words,
//! parsed once from the embedded `data/pinyin.txt` (format in that file's header, written by
//! `scripts/gen-pinyin-table`). Every text is a slice of the embedded file: nothing is copied.

use std::ops::Range;
use std::sync::LazyLock;

/// The embedded table text.
pub(crate) const EMBEDDED: &str = include_str!("../data/pinyin.txt");

/// The longest word the table holds, in characters (and so in syllables).
pub(crate) const MAX_WORD_LEN: usize = 4;

/// The longest syllable, in letters ("zhuang").
pub(crate) const MAX_SYLLABLE_LEN: usize = 6;

/// The table, parsed at first use and shared by every [`crate::Composer`].
pub(crate) static TABLE: LazyLock<Table> = LazyLock::new(|| Table::parse(EMBEDDED));

/// One character under one of its readings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CharEntry {
    /// The character (one `char`, as UTF-8).
    pub text: &'static str,
    /// Log-scale frequency of the character under this reading, 0 when unseen.
    pub freq: u8,
}

/// A word of 2 to [`MAX_WORD_LEN`] characters with its reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word {
    /// The word.
    pub text: &'static str,
    /// Its syllables (ids into [`Table::syllables`]); only the first `len` count.
    pub syllables: [u16; MAX_WORD_LEN],
    /// How many syllables (= characters).
    pub len: u8,
}

impl Word {
    /// The word's syllables.
    pub fn syllables(&self) -> &[u16] {
        self.syllables
            .get(..usize::from(self.len))
            .unwrap_or_default()
    }
}

/// The parsed table.
#[derive(Debug, Default)]
pub(crate) struct Table {
    /// Every syllable, sorted (so the syllables sharing a prefix are a contiguous id range).
    pub syllables: Vec<&'static str>,
    /// The characters of each syllable, best first.
    pub chars: Vec<Vec<CharEntry>>,
    /// Every word, most frequent first: the index is the word's rank.
    pub words: Vec<Word>,
    /// For each syllable, the indices of the words starting with it, best first.
    pub words_by_first: Vec<Vec<u32>>,
}

/// Spellings typed for a syllable the table spells otherwise (ü after l and n).
const ALIASES: [(&str, &str); 2] = [("lue", "lve"), ("nue", "nve")];

impl Table {
    /// Parses a table; malformed lines are skipped (the embedded one has none, a test checks it).
    pub fn parse(text: &'static str) -> Table {
        enum Section {
            None,
            Chars,
            Words,
        }
        let mut section = Section::None;
        let mut syllable_lines: Vec<(&'static str, &'static str)> = Vec::new();
        let mut word_lines: Vec<&'static str> = Vec::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line {
                "[chars]" => section = Section::Chars,
                "[words]" => section = Section::Words,
                _ => match section {
                    Section::Chars => {
                        if let Some((syllable, chars)) = line.split_once('\t') {
                            if is_syllable_spelling(syllable) {
                                syllable_lines.push((syllable, chars));
                            }
                        }
                    }
                    Section::Words => word_lines.push(line),
                    Section::None => {}
                },
            }
        }
        syllable_lines.sort_by(|a, b| a.0.cmp(b.0));
        syllable_lines.dedup_by(|a, b| a.0 == b.0);
        if syllable_lines.len() > usize::from(u16::MAX) {
            syllable_lines.truncate(usize::from(u16::MAX));
        }

        let mut table = Table {
            syllables: syllable_lines.iter().map(|(s, _)| *s).collect(),
            chars: syllable_lines.iter().map(|(_, c)| parse_chars(c)).collect(),
            words: Vec::with_capacity(word_lines.len()),
            words_by_first: vec![Vec::new(); syllable_lines.len()],
        };
        for line in word_lines {
            let Some((text, reading)) = line.split_once(' ') else {
                continue;
            };
            let mut syllables = [0u16; MAX_WORD_LEN];
            let mut len = 0usize;
            let mut ok = true;
            for part in reading.split('\'') {
                match (table.exact(part), syllables.get_mut(len)) {
                    (Some(id), Some(slot)) => {
                        *slot = id;
                        len += 1;
                    }
                    _ => ok = false,
                }
            }
            if !ok || len < 2 || text.chars().count() != len {
                continue;
            }
            let Ok(rank) = u32::try_from(table.words.len()) else {
                break;
            };
            if let Some(list) = table.words_by_first.get_mut(usize::from(syllables[0])) {
                list.push(rank);
            }
            table.words.push(Word {
                text,
                syllables,
                len: len as u8,
            });
        }
        table.words.shrink_to_fit();
        table.words_by_first.iter_mut().for_each(Vec::shrink_to_fit);
        table.chars.iter_mut().for_each(Vec::shrink_to_fit);
        table
    }

    /// The id of a syllable spelt exactly so (no aliases).
    fn exact(&self, spelling: &str) -> Option<u16> {
        let id = self.syllables.binary_search(&spelling).ok()?;
        u16::try_from(id).ok()
    }

    /// The id of a syllable as typed: exact, or an alias ("lue" for "lve").
    pub fn syllable(&self, typed: &str) -> Option<u16> {
        self.exact(typed).or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == typed)
                .and_then(|(_, spelling)| self.exact(spelling))
        })
    }

    /// The ids of every syllable starting with `prefix` (itself included if it is one).
    pub fn prefix_range(&self, prefix: &str) -> Range<u16> {
        let lo = self.syllables.partition_point(|s| *s < prefix);
        let hi = lo
            + self
                .syllables
                .get(lo..)
                .unwrap_or_default()
                .partition_point(|s| s.starts_with(prefix));
        to_u16(lo)..to_u16(hi)
    }

    /// The characters of a syllable, best first.
    pub fn chars_of(&self, syllable: u16) -> &[CharEntry] {
        self.chars
            .get(usize::from(syllable))
            .map_or(&[], Vec::as_slice)
    }

    /// The words starting with a syllable, best first (indices into [`Table::words`]).
    pub fn words_starting(&self, syllable: u16) -> &[u32] {
        self.words_by_first
            .get(usize::from(syllable))
            .map_or(&[], Vec::as_slice)
    }

    /// Heap bytes held by the parsed structures (capacities, not the embedded text).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.syllables.capacity() * size_of::<&str>()
            + self.chars.capacity() * size_of::<Vec<CharEntry>>()
            + self
                .chars
                .iter()
                .map(|c| c.capacity() * size_of::<CharEntry>())
                .sum::<usize>()
            + self.words.capacity() * size_of::<Word>()
            + self.words_by_first.capacity() * size_of::<Vec<u32>>()
            + self
                .words_by_first
                .iter()
                .map(|w| w.capacity() * size_of::<u32>())
                .sum::<usize>()
    }

    /// How many (character, reading) entries the table holds.
    pub fn char_entries(&self) -> usize {
        self.chars.iter().map(Vec::len).sum()
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn is_syllable_spelling(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SYLLABLE_LEN && s.bytes().all(|b| b.is_ascii_lowercase())
}

/// One syllable's characters: each character followed by its frequency digits (none for 0).
fn parse_chars(cells: &'static str) -> Vec<CharEntry> {
    let mut out: Vec<CharEntry> = Vec::new();
    for (i, c) in cells.char_indices() {
        if let Some(d) = c.to_digit(10) {
            if let Some(last) = out.last_mut() {
                last.freq = u8::try_from(u32::from(last.freq) * 10 + d).unwrap_or(u8::MAX);
            }
        } else if !c.is_whitespace() {
            if let Some(text) = cells.get(i..i + c.len_utf8()) {
                out.push(CharEntry { text, freq: 0 });
            }
        }
    }
    out
}
