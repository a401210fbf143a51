//! Script commands for the central simulator: what an operator types on standard input, or a
//! test passes to [`super::CentralSim::run`]. `Display` gives the canonical text, echoed after
//! `OK `.
//!
//! ```text
//! latency <MS>              every answer delayed by MS milliseconds (0: none)
//! errors <N> [STATUS]       the next N requests answered STATUS (400-599, default 503)
//! drop <N>                  the next N requests: connection closed, no answer, no effect
//! lose <N>                  the next N requests: run, then connection closed without the answer
//! outage on|off             while on, every connection is closed at once
//! clock <[+-]MS>            the server's clock moved by MS milliseconds from the real one
//! config <KEY> [VALUE]      set (or, without VALUE, remove) a heartbeat configuration key
//! call <SERVICE>            call the next waiting ticket of a queue series to a window
//! clear                     remove every fault and the clock offset
//! status                    print a STATUS line
//! demo                      print DEMO lines: the built-in card holders' booking codes and cases
//! quit                      stop the server
//! ```

use std::fmt;
use std::time::Duration;
use thiserror::Error;

/// Largest count a countdown fault takes.
pub const MAX_COUNT: u32 = 1_000_000;

/// One script command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `latency <MS>`.
    Latency(Duration),
    /// `errors <N> [STATUS]`.
    Errors {
        /// How many requests.
        count: u32,
        /// Their status.
        status: u16,
    },
    /// `drop <N>`.
    Drop(u32),
    /// `lose <N>`.
    Lose(u32),
    /// `outage on|off`.
    Outage(bool),
    /// `clock <[+-]MS>`.
    Clock(i64),
    /// `config <KEY> [VALUE]`.
    Config {
        /// The key.
        key: String,
        /// The value; `None` removes the key.
        value: Option<String>,
    },
    /// `call <SERVICE>`.
    Call(String),
    /// `clear`.
    Clear,
    /// `status`.
    Status,
    /// `demo`.
    Demo,
    /// `quit`.
    Quit,
}

/// A script line could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CommandError {
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

impl Command {
    /// Parses one line. `Ok(None)` for a blank line or a `#` comment.
    pub fn parse(line: &str) -> Result<Option<Command>, CommandError> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(None);
        }
        let mut words = line.split_whitespace();
        let word = words.next().unwrap_or_default();
        let args: Vec<&str> = words.collect();
        let command = match word {
            "latency" => {
                let [ms] = exactly::<1>("latency", "a delay in milliseconds", &args)?;
                Command::Latency(Duration::from_millis(number(
                    "latency",
                    ms,
                    "milliseconds",
                )?))
            }
            "errors" => match args.as_slice() {
                [] => return Err(missing("errors", "a count")),
                [count] => Command::Errors {
                    count: count_arg("errors", count)?,
                    status: super::faults::DEFAULT_ERROR_STATUS,
                },
                [count, status] => {
                    let status = number("errors", status, "a status 400-599")?;
                    if !(400..=599).contains(&status) {
                        return Err(bad("errors", &status.to_string(), "a status 400-599"));
                    }
                    Command::Errors {
                        count: count_arg("errors", count)?,
                        status: u16::try_from(status)
                            .unwrap_or(super::faults::DEFAULT_ERROR_STATUS),
                    }
                }
                [_, _, extra @ ..] => return Err(unexpected("errors", extra)),
            },
            "drop" => Command::Drop(count_arg(
                "drop",
                exactly::<1>("drop", "a count", &args)?[0],
            )?),
            "lose" => Command::Lose(count_arg(
                "lose",
                exactly::<1>("lose", "a count", &args)?[0],
            )?),
            "outage" => match exactly::<1>("outage", "on or off", &args)?[0] {
                "on" => Command::Outage(true),
                "off" => Command::Outage(false),
                other => return Err(bad("outage", other, "on or off")),
            },
            "clock" => {
                let [ms] = exactly::<1>("clock", "an offset in milliseconds", &args)?;
                let parsed = ms
                    .strip_prefix('+')
                    .unwrap_or(ms)
                    .parse::<i64>()
                    .map_err(|_| bad("clock", ms, "an offset in milliseconds such as +60000"))?;
                Command::Clock(parsed)
            }
            "config" => match args.as_slice() {
                [] => return Err(missing("config", "a key")),
                [key] => Command::Config {
                    key: (*key).to_owned(),
                    value: None,
                },
                [key, value @ ..] => Command::Config {
                    key: (*key).to_owned(),
                    value: Some(value.join(" ")),
                },
            },
            "call" => {
                let [code] = exactly::<1>("call", "a service code", &args)?;
                Command::Call(code.to_owned())
            }
            "clear" => no_args("clear", Command::Clear, &args)?,
            "status" => no_args("status", Command::Status, &args)?,
            "demo" => no_args("demo", Command::Demo, &args)?,
            "quit" => no_args("quit", Command::Quit, &args)?,
            other => return Err(CommandError::Unknown(other.to_owned())),
        };
        Ok(Some(command))
    }
}

fn missing(command: &'static str, what: &'static str) -> CommandError {
    CommandError::MissingArgument { command, what }
}

fn bad(command: &'static str, arg: &str, expected: &'static str) -> CommandError {
    CommandError::BadArgument {
        command,
        arg: arg.to_owned(),
        expected,
    }
}

fn unexpected(command: &'static str, extra: &[&str]) -> CommandError {
    CommandError::UnexpectedArgument {
        command,
        arg: extra.join(" "),
    }
}

fn no_args(command: &'static str, value: Command, args: &[&str]) -> Result<Command, CommandError> {
    if args.is_empty() {
        Ok(value)
    } else {
        Err(unexpected(command, args))
    }
}

fn exactly<'a, const N: usize>(
    command: &'static str,
    what: &'static str,
    args: &[&'a str],
) -> Result<[&'a str; N], CommandError> {
    if args.len() < N {
        return Err(missing(command, what));
    }
    let (wanted, extra) = args.split_at(N);
    if !extra.is_empty() {
        return Err(unexpected(command, extra));
    }
    <[&str; N]>::try_from(wanted).map_err(|_| missing(command, what))
}

fn number(command: &'static str, arg: &str, expected: &'static str) -> Result<u64, CommandError> {
    arg.parse().map_err(|_| bad(command, arg, expected))
}

fn count_arg(command: &'static str, arg: &str) -> Result<u32, CommandError> {
    match arg.parse::<u32>() {
        Ok(n) if n <= MAX_COUNT => Ok(n),
        _ => Err(bad(command, arg, "a count from 0 to 1000000")),
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Latency(delay) => write!(f, "latency {}", delay.as_millis()),
            Command::Errors { count, status } => write!(f, "errors {count} {status}"),
            Command::Drop(count) => write!(f, "drop {count}"),
            Command::Lose(count) => write!(f, "lose {count}"),
            Command::Outage(on) => write!(f, "outage {}", if *on { "on" } else { "off" }),
            Command::Clock(ms) => write!(f, "clock {ms:+}"),
            Command::Config { key, value: None } => write!(f, "config {key}"),
            Command::Config {
                key,
                value: Some(value),
            } => write!(f, "config {key} {value}"),
            Command::Call(code) => write!(f, "call {code}"),
            Command::Clear => f.write_str("clear"),
            Command::Status => f.write_str("status"),
            Command::Demo => f.write_str("demo"),
            Command::Quit => f.write_str("quit"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_round_trips_through_its_text() {
        let lines = [
            "latency 250",
            "errors 3 503",
            "errors 1 500",
            "drop 2",
            "lose 1",
            "outage on",
            "outage off",
            "clock +60000",
            "clock -1500",
            "config volume 3",
            "config welcome 欢迎 光临",
            "config volume",
            "call A",
            "clear",
            "status",
            "demo",
            "quit",
        ];
        for line in lines {
            let command = Command::parse(line).unwrap().unwrap();
            assert_eq!(command.to_string(), line);
        }
        assert_eq!(
            Command::parse("  errors 2 ").unwrap(),
            Some(Command::Errors {
                count: 2,
                status: 503
            })
        );
        assert_eq!(Command::parse("clock 5").unwrap(), Some(Command::Clock(5)));
    }

    #[test]
    fn blanks_comments_and_errors() {
        assert_eq!(Command::parse("   ").unwrap(), None);
        assert_eq!(Command::parse("# note").unwrap(), None);
        assert_eq!(
            Command::parse("jump").unwrap_err(),
            CommandError::Unknown("jump".into())
        );
        assert!(matches!(
            Command::parse("latency").unwrap_err(),
            CommandError::MissingArgument { .. }
        ));
        assert!(matches!(
            Command::parse("latency soon").unwrap_err(),
            CommandError::BadArgument { .. }
        ));
        assert!(matches!(
            Command::parse("errors 1 200").unwrap_err(),
            CommandError::BadArgument { .. }
        ));
        assert!(matches!(
            Command::parse("outage maybe").unwrap_err(),
            CommandError::BadArgument { .. }
        ));
        assert!(matches!(
            Command::parse("status now").unwrap_err(),
            CommandError::UnexpectedArgument { .. }
        ));
        assert!(matches!(
            Command::parse("drop 1 2").unwrap_err(),
            CommandError::UnexpectedArgument { .. }
        ));
        assert!(matches!(
            Command::parse("drop 2000000").unwrap_err(),
            CommandError::BadArgument { .. }
        ));
    }
}
