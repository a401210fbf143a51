//! The layout: a ticket as a list of blocks, computed once and independent of the paper width
//! and of the output mode. The renderers wrap lines to the paper.

/// Horizontal alignment of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// Character size as a multiple of the normal size (1..=8, like ESC/POS `GS !`).
///
/// In the raster, size 1 is the 16-dot bitmap font and size n is a 16·n-dot outline font; in
/// text mode size n is the printer's own font magnified n times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextSize(u8);

impl TextSize {
    /// Normal size.
    pub const NORMAL: TextSize = TextSize(1);
    /// Double width and height.
    pub const DOUBLE: TextSize = TextSize(2);
    /// Triple width and height.
    pub const TRIPLE: TextSize = TextSize(3);

    /// A size, clamped to 1..=8.
    pub const fn new(multiple: u8) -> TextSize {
        TextSize(if multiple < 1 {
            1
        } else if multiple > 8 {
            8
        } else {
            multiple
        })
    }

    /// The multiple (1..=8).
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl Default for TextSize {
    fn default() -> TextSize {
        TextSize::NORMAL
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStyle {
    /// Size multiple.
    pub size: TextSize,
    /// Alignment.
    pub align: Align,
    /// Emphasised.
    pub bold: bool,
}

impl TextStyle {
    /// A style of the given size, left-aligned, regular.
    pub const fn sized(size: u8) -> TextStyle {
        TextStyle {
            size: TextSize::new(size),
            align: Align::Left,
            bold: false,
        }
    }

    /// The same style, centred.
    pub const fn centered(mut self) -> TextStyle {
        self.align = Align::Center;
        self
    }

    /// The same style, flush right.
    pub const fn right(mut self) -> TextStyle {
        self.align = Align::Right;
        self
    }

    /// The same style, bold.
    pub const fn bold(mut self) -> TextStyle {
        self.bold = true;
        self
    }
}

/// One block of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph: wrapped to the paper, every wrapped line in the same style.
    Text {
        /// The text (no line breaks).
        text: String,
        /// Its style.
        style: TextStyle,
    },
    /// A label flush left and a value flush right on one line (the value moves to its own line
    /// when both do not fit).
    Pair {
        /// The label (`窗口`).
        label: String,
        /// The value (`5号`).
        value: String,
        /// Size and emphasis (the alignment is ignored).
        style: TextStyle,
    },
    /// A QR code, centred.
    Qr {
        /// What it encodes.
        payload: String,
    },
    /// A horizontal rule across the paper.
    Rule,
    /// Blank paper, in dots (1/8 mm at 203 dpi).
    Spacer {
        /// Height in dots.
        dots: u16,
    },
}

impl Block {
    /// A text paragraph.
    pub fn text(text: impl Into<String>, style: TextStyle) -> Block {
        Block::Text {
            text: text.into(),
            style,
        }
    }

    /// A label-value line.
    pub fn pair(label: impl Into<String>, value: impl Into<String>, style: TextStyle) -> Block {
        Block::Pair {
            label: label.into(),
            value: value.into(),
            style,
        }
    }

    /// Every character this block prints as text (none for QR codes, rules and spacers).
    pub fn text_chars(&self) -> impl Iterator<Item = char> + '_ {
        let (a, b) = match self {
            Block::Text { text, .. } => (text.as_str(), ""),
            Block::Pair { label, value, .. } => (label.as_str(), value.as_str()),
            Block::Qr { .. } | Block::Rule | Block::Spacer { .. } => ("", ""),
        };
        a.chars().chain(b.chars())
    }
}

/// A ticket laid out once: the blocks from top to bottom. The paper is cut after the last one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    /// The blocks in print order.
    pub blocks: Vec<Block>,
}

impl Layout {
    /// Appends a block.
    pub fn push(&mut self, block: Block) -> &mut Layout {
        self.blocks.push(block);
        self
    }
}
