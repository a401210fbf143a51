//! What every simulator's stdin script shares: one command per line, a command word and the
//! rest of the line, blank lines and `#` comments ignored, and the errors a line can have.

use thiserror::Error;

/// A script line could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// The first word is not a command.
    #[error("unknown command {0:?}")]
    Unknown(String),
    /// The command needs an argument.
    #[error("{command} needs {what}")]
    MissingArgument {
        /// The command.
        command: &'static str,
        /// What to give it.
        what: &'static str,
    },
    /// The argument is not acceptable.
    #[error("{command}: bad argument {arg:?}, expected {expected}")]
    BadArgument {
        /// The command.
        command: &'static str,
        /// What was given.
        arg: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// The command takes no (more) arguments.
    #[error("{command}: unexpected argument {arg:?}")]
    UnexpectedArgument {
        /// The command.
        command: &'static str,
        /// The extra text.
        arg: String,
    },
}

/// One script line split into its command word and the rest (trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptLine<'a> {
    /// The command word.
    pub word: &'a str,
    /// Everything after it, trimmed; empty without arguments.
    pub rest: &'a str,
}

impl<'a> ScriptLine<'a> {
    /// Splits a line; `None` for a blank line or a `#` comment.
    pub fn split(line: &'a str) -> Option<ScriptLine<'a>> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (word, rest) = match line.split_once(char::is_whitespace) {
            Some((word, rest)) => (word, rest.trim()),
            None => (line, ""),
        };
        Some(ScriptLine { word, rest })
    }

    /// `value` when the command has no arguments, else an `UnexpectedArgument` error.
    pub fn no_args<T>(&self, command: &'static str, value: T) -> Result<T, ScriptError> {
        if self.rest.is_empty() {
            Ok(value)
        } else {
            Err(ScriptError::UnexpectedArgument {
                command,
                arg: self.rest.to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_word_and_rest() {
        assert_eq!(
            ScriptLine::split("  place  /tmp/a card.toml "),
            Some(ScriptLine {
                word: "place",
                rest: "/tmp/a card.toml"
            })
        );
        assert_eq!(ScriptLine::split("lift").map(|l| l.rest), Some(""));
        assert_eq!(ScriptLine::split("   "), None);
        assert_eq!(ScriptLine::split(" # comment"), None);
        let line = ScriptLine::split("quit now").unwrap();
        assert_eq!(
            line.no_args("quit", ()),
            Err(ScriptError::UnexpectedArgument {
                command: "quit",
                arg: "now".into()
            })
        );
    }
}
