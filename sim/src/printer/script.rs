//! Script commands for the simulated ticket printer, from standard input or from Rust.
//!
//! Same protocol as `kiosk-sim idcard`: one command per line, answered `OK <command>` or
//! `ERR <reason>`; `Display` gives the canonical text echoed after `OK `.
//!
//! ```text
//! near-end
//! paper-out [AFTER_LINES]
//! paper-replaced
//! cover-open | cover-closed
//! offline | online
//! slow-rx BYTES_PER_SEC      (0: process at once again)
//! status
//! quit
//! ```

pub use crate::script_line::ScriptError;
use crate::script_line::ScriptLine;
use std::fmt;

/// One script command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// `near-end`: the roll runs low; printing goes on.
    NearEnd,
    /// `paper-out [AFTER_LINES]`: the roll ends now, or after that many more lines.
    PaperOut(Option<u32>),
    /// `paper-replaced`: a new roll; printing resumes with the buffered data.
    PaperReplaced,
    /// `cover-open`: printing stops.
    CoverOpen,
    /// `cover-closed`: printing may resume.
    CoverClosed,
    /// `offline`: the printer goes offline (as from its panel).
    Offline,
    /// `online`: back online.
    Online,
    /// `slow-rx BYTES_PER_SEC`: the printer processes its receive buffer at this rate, so the
    /// buffer fills and the host must wait; 0 turns it off.
    SlowRx(u32),
    /// `status`: print a `STATUS` line.
    Status,
    /// `quit`: stop the simulator.
    Quit,
}

impl Script {
    /// Parses one line; `Ok(None)` for a blank line or a `#` comment.
    pub fn parse(line: &str) -> Result<Option<Script>, ScriptError> {
        let Some(line) = ScriptLine::split(line) else {
            return Ok(None);
        };
        let (word, rest) = (line.word, line.rest);
        let bare = |command: &'static str, script: Script| line.no_args(command, script);
        let number = |command: &'static str, expected: &'static str| {
            rest.parse::<u32>().map_err(|_| ScriptError::BadArgument {
                command,
                arg: rest.to_owned(),
                expected,
            })
        };
        let script = match word {
            "near-end" => bare("near-end", Script::NearEnd)?,
            "paper-out" if rest.is_empty() => Script::PaperOut(None),
            "paper-out" => Script::PaperOut(Some(number("paper-out", "a line count")?)),
            "paper-replaced" => bare("paper-replaced", Script::PaperReplaced)?,
            "cover-open" => bare("cover-open", Script::CoverOpen)?,
            "cover-closed" => bare("cover-closed", Script::CoverClosed)?,
            "offline" => bare("offline", Script::Offline)?,
            "online" => bare("online", Script::Online)?,
            "slow-rx" => Script::SlowRx(number("slow-rx", "bytes per second")?),
            "status" => bare("status", Script::Status)?,
            "quit" => bare("quit", Script::Quit)?,
            other => return Err(ScriptError::Unknown(other.to_owned())),
        };
        Ok(Some(script))
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Script::NearEnd => f.write_str("near-end"),
            Script::PaperOut(None) => f.write_str("paper-out"),
            Script::PaperOut(Some(n)) => write!(f, "paper-out {n}"),
            Script::PaperReplaced => f.write_str("paper-replaced"),
            Script::CoverOpen => f.write_str("cover-open"),
            Script::CoverClosed => f.write_str("cover-closed"),
            Script::Offline => f.write_str("offline"),
            Script::Online => f.write_str("online"),
            Script::SlowRx(n) => write!(f, "slow-rx {n}"),
            Script::Status => f.write_str("status"),
            Script::Quit => f.write_str("quit"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_and_prints_back() {
        let cases = [
            ("near-end", Script::NearEnd),
            ("paper-out", Script::PaperOut(None)),
            ("paper-out 3", Script::PaperOut(Some(3))),
            ("paper-replaced", Script::PaperReplaced),
            ("cover-open", Script::CoverOpen),
            ("cover-closed", Script::CoverClosed),
            ("offline", Script::Offline),
            ("online", Script::Online),
            ("slow-rx 200", Script::SlowRx(200)),
            ("status", Script::Status),
            ("quit", Script::Quit),
        ];
        for (text, script) in cases {
            assert_eq!(Script::parse(text).unwrap(), Some(script), "{text}");
            assert_eq!(script.to_string(), text);
        }
        assert_eq!(Script::parse(" # x").unwrap(), None);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |line: &str| Script::parse(line).unwrap_err();
        assert_eq!(err("jam"), ScriptError::Unknown("jam".into()));
        assert!(matches!(
            err("paper-out soon"),
            ScriptError::BadArgument { .. }
        ));
        assert!(matches!(err("slow-rx"), ScriptError::BadArgument { .. }));
        assert!(matches!(
            err("online now"),
            ScriptError::UnexpectedArgument { .. }
        ));
    }
}
