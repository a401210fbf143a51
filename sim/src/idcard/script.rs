//! Script commands: what a test or an operator tells the simulated reader to do.
//!
//! The same enum serves the text protocol on the simulator's standard input (one command per
//! line, parsed by [`Script::parse`]) and the Rust API ([`super::IdcardSim::run`]). `Display`
//! gives the canonical text, which the simulator echoes back after `OK `.
//!
//! ```text
//! place <resident|foreigner_2017|foreigner_2023|hk_mo_tw_permit|FILE>
//! lift
//! lift-mid-read [short|status]
//! noise <N>
//! bad-checksum
//! sam-fail | sam-ok
//! unplug | replug
//! warmup <MS>
//! status
//! quit
//! ```

use super::cards::CardSpec;
use super::engine::{MAX_NOISE, MidReadCut};
pub use crate::script_line::ScriptError;
use crate::script_line::ScriptLine;
use std::fmt;
use std::time::Duration;

/// One script command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// `place <card spec>`: a card lies on the reader (replacing any card there).
    Place(CardSpec),
    /// `lift`: the card is taken away.
    Lift,
    /// `lift-mid-read [short|status]`: the next read that finds a card is cut, then the card is
    /// gone.
    LiftMidRead(MidReadCut),
    /// `noise <N>`: N pseudo-random bytes go on the wire just before the next reply.
    Noise(usize),
    /// `bad-checksum`: the next reply's CHK byte is inverted.
    BadChecksum,
    /// `sam-fail`: every command is answered `60` (SAM self-test failed) until `sam-ok`.
    SamFail,
    /// `sam-ok`: the SAM works again.
    SamOk,
    /// `unplug`: the device disappears (pty closed and link removed, or TCP listener closed).
    Unplug,
    /// `replug`: the device comes back (a new pty, or the same TCP address), warming up again.
    Replug,
    /// `warmup <MS>`: a power-on; every byte received for MS milliseconds is ignored
    /// (`warmup 0` ends a warm-up in progress).
    Warmup(Duration),
    /// `status`: report the counters (the command line prints a `STATUS` line).
    Status,
    /// `quit`: stop the simulator.
    Quit,
}

impl Script {
    /// Parses one line. `Ok(None)` for a blank line or a `#` comment.
    pub fn parse(line: &str) -> Result<Option<Script>, ScriptError> {
        let Some(line) = ScriptLine::split(line) else {
            return Ok(None);
        };
        let (word, rest) = (line.word, line.rest);
        let no_args = |command: &'static str, script: Script| line.no_args(command, script);
        let script = match word {
            // The rest of the line is the spec, so a path may contain spaces.
            "place" if rest.is_empty() => {
                return Err(ScriptError::MissingArgument {
                    command: "place",
                    what: "a card (a built-in name or a file)",
                });
            }
            "place" => Script::Place(CardSpec::parse(rest)),
            "lift" => no_args("lift", Script::Lift)?,
            "lift-mid-read" => Script::LiftMidRead(match rest {
                "" | "short" => MidReadCut::Short,
                "status" => MidReadCut::Status,
                other => {
                    return Err(ScriptError::BadArgument {
                        command: "lift-mid-read",
                        arg: other.to_owned(),
                        expected: "short or status",
                    });
                }
            }),
            "noise" => {
                let count = number(rest, "noise", "a byte count")?;
                if count > MAX_NOISE {
                    return Err(ScriptError::BadArgument {
                        command: "noise",
                        arg: rest.to_owned(),
                        expected: "a byte count of at most 65536",
                    });
                }
                Script::Noise(count)
            }
            "bad-checksum" => no_args("bad-checksum", Script::BadChecksum)?,
            "sam-fail" => no_args("sam-fail", Script::SamFail)?,
            "sam-ok" => no_args("sam-ok", Script::SamOk)?,
            "unplug" => no_args("unplug", Script::Unplug)?,
            "replug" => no_args("replug", Script::Replug)?,
            "warmup" => Script::Warmup(Duration::from_millis(number(
                rest,
                "warmup",
                "milliseconds",
            )?)),
            "status" => no_args("status", Script::Status)?,
            "quit" => no_args("quit", Script::Quit)?,
            other => return Err(ScriptError::Unknown(other.to_owned())),
        };
        Ok(Some(script))
    }
}

fn number<T: std::str::FromStr>(
    arg: &str,
    command: &'static str,
    what: &'static str,
) -> Result<T, ScriptError> {
    if arg.is_empty() {
        return Err(ScriptError::MissingArgument { command, what });
    }
    arg.parse().map_err(|_| ScriptError::BadArgument {
        command,
        arg: arg.to_owned(),
        expected: what,
    })
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Script::Place(spec) => write!(f, "place {spec}"),
            Script::Lift => f.write_str("lift"),
            Script::LiftMidRead(MidReadCut::Short) => f.write_str("lift-mid-read short"),
            Script::LiftMidRead(MidReadCut::Status) => f.write_str("lift-mid-read status"),
            Script::Noise(n) => write!(f, "noise {n}"),
            Script::BadChecksum => f.write_str("bad-checksum"),
            Script::SamFail => f.write_str("sam-fail"),
            Script::SamOk => f.write_str("sam-ok"),
            Script::Unplug => f.write_str("unplug"),
            Script::Replug => f.write_str("replug"),
            Script::Warmup(d) => write!(f, "warmup {}", d.as_millis()),
            Script::Status => f.write_str("status"),
            Script::Quit => f.write_str("quit"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idcard::CardType;
    use std::path::PathBuf;

    fn parse(line: &str) -> Script {
        Script::parse(line).unwrap().unwrap()
    }

    #[test]
    fn every_command_parses_and_prints_back() {
        let cases = [
            (
                "place resident",
                Script::Place(CardSpec::Builtin(CardType::Resident)),
            ),
            (
                "place hk_mo_tw_permit",
                Script::Place(CardSpec::Builtin(CardType::HkMoTwPermit)),
            ),
            (
                "place /tmp/my cards/x.toml",
                Script::Place(CardSpec::File(PathBuf::from("/tmp/my cards/x.toml"))),
            ),
            ("lift", Script::Lift),
            (
                "lift-mid-read short",
                Script::LiftMidRead(MidReadCut::Short),
            ),
            (
                "lift-mid-read status",
                Script::LiftMidRead(MidReadCut::Status),
            ),
            ("noise 17", Script::Noise(17)),
            ("bad-checksum", Script::BadChecksum),
            ("sam-fail", Script::SamFail),
            ("sam-ok", Script::SamOk),
            ("unplug", Script::Unplug),
            ("replug", Script::Replug),
            ("warmup 1500", Script::Warmup(Duration::from_millis(1500))),
            ("status", Script::Status),
            ("quit", Script::Quit),
        ];
        for (text, script) in cases {
            assert_eq!(parse(text), script, "{text}");
            assert_eq!(script.to_string(), text);
        }
    }

    #[test]
    fn defaults_whitespace_and_comments() {
        assert_eq!(
            parse("lift-mid-read"),
            Script::LiftMidRead(MidReadCut::Short)
        );
        assert_eq!(parse("  noise   3 \r"), Script::Noise(3));
        assert_eq!(Script::parse("   ").unwrap(), None);
        assert_eq!(Script::parse("# place resident").unwrap(), None);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |line: &str| Script::parse(line).unwrap_err();
        assert_eq!(err("plaec resident"), ScriptError::Unknown("plaec".into()));
        assert!(matches!(
            err("place"),
            ScriptError::MissingArgument {
                command: "place",
                ..
            }
        ));
        assert!(matches!(
            err("noise"),
            ScriptError::MissingArgument {
                command: "noise",
                ..
            }
        ));
        assert!(matches!(err("noise -1"), ScriptError::BadArgument { .. }));
        assert!(matches!(
            err("noise 65537"),
            ScriptError::BadArgument { .. }
        ));
        assert!(matches!(
            err("warmup soon"),
            ScriptError::BadArgument { .. }
        ));
        assert!(matches!(
            err("lift-mid-read later"),
            ScriptError::BadArgument { .. }
        ));
        assert!(matches!(
            err("lift now"),
            ScriptError::UnexpectedArgument { .. }
        ));
        assert_eq!(err("warmup").to_string(), "warmup needs milliseconds");
    }
}
