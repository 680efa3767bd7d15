//! `sse decode`: an event stream on stdin to JSON Lines on stdout.

use std::fmt;
use std::io::{self, Read, Write};

use sse_proto::{DecodeError, Decoder, Limits};

use crate::json::write_item;

/// Options of `sse decode`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Feed the decoder in pieces of this many bytes (default: as read).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    chunk_size: Option<u64>,
    /// Longest line accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_LINE_LEN)]
    max_line_len: usize,
    /// Largest event data accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_EVENT_LEN)]
    max_event_len: usize,
    /// Pass comment lines over (as browsers do) instead of printing them.
    #[arg(long)]
    no_comments: bool,
}

/// Why `sse decode` stopped early.
#[derive(Debug)]
pub(crate) enum Error {
    /// The stream exceeded a limit at this byte offset.
    Limit { error: DecodeError, offset: u64 },
    /// Reading stdin or writing stdout failed.
    Io(io::Error),
}

impl Error {
    /// The process exit code: 2 for a refused stream, 1 for I/O.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Error::Limit { .. } => 2,
            Error::Io(_) => 1,
        }
    }

    /// Whether stdout was closed by its reader.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Limit { error, offset } => {
                write!(f, "decode: {error} (at byte offset {offset})")
            }
            Error::Io(e) => write!(f, "decode: {e}"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// Decodes `input` into JSON Lines on `output`, flushing after every read so that
/// a live stream (`curl -N … | sse decode`) shows up as it arrives.
pub(crate) fn run(args: &Args, mut input: impl Read, mut output: impl Write) -> Result<(), Error> {
    let limits = Limits::new()
        .with_max_line_len(args.max_line_len)
        .with_max_event_len(args.max_event_len);
    let mut decoder = Decoder::new()
        .with_limits(limits)
        .with_comments(!args.no_comments);
    let piece = args
        .chunk_size
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset: u64 = 0;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        for chunk in buf[..n].chunks(piece) {
            let mut feed = decoder.feed(chunk);
            while let Some(item) = feed.next_item() {
                match item {
                    Ok(item) => write_item(&mut output, &item)?,
                    Err(error) => {
                        let done = chunk.len() - feed.remaining().len();
                        output.flush()?;
                        return Err(Error::Limit {
                            error,
                            offset: offset + done as u64,
                        });
                    }
                }
            }
            offset += chunk.len() as u64;
        }
        output.flush()?;
    }
    // An unterminated final event goes with the decoder, as the standard says.
    output.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(chunk_size: Option<u64>, max_line_len: usize) -> Args {
        Args {
            chunk_size,
            max_line_len,
            max_event_len: Limits::DEFAULT_MAX_EVENT_LEN,
            no_comments: false,
        }
    }

    fn decode(input: &[u8], a: &Args) -> (String, Option<String>) {
        let mut out = Vec::new();
        let err = run(a, input, &mut out).err().map(|e| e.to_string());
        (String::from_utf8(out).unwrap(), err)
    }

    #[test]
    fn every_chunk_size_prints_the_same() {
        let input = b"\xEF\xBB\xBFretry: 10\r\n: c\r\nid: 1\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\ndata: tail";
        let expect = concat!(
            "{\"type\":\"retry\",\"ms\":10}\n",
            "{\"type\":\"comment\",\"text\":\" c\"}\n",
            "{\"type\":\"event\",\"event\":\"x\",\"data\":\"a\\nb\",\"id\":\"1\"}\n",
        );
        for n in 1..=input.len() as u64 + 1 {
            assert_eq!(
                decode(input, &args(Some(n), 1 << 20)),
                (expect.to_string(), None),
                "chunk {n}"
            );
        }
        assert_eq!(decode(input, &args(None, 1 << 20)).0, expect);
    }

    #[test]
    fn no_comments_passes_them_over() {
        let input = b": keepalive\n\ndata: a\n: inside\ndata: b\n\n";
        let mut a = args(None, 1 << 20);
        a.no_comments = true;
        assert_eq!(
            decode(input, &a),
            (
                "{\"type\":\"event\",\"event\":\"message\",\"data\":\"a\\nb\",\"id\":\"\"}\n"
                    .to_string(),
                None
            )
        );
    }

    #[test]
    fn limit_error_names_limit_and_offset_after_earlier_items() {
        let input = b"data: ok\n\ndata: far too long\n\ndata: never\n\n";
        for n in [1, 3, 7, 64] {
            let (out, err) = decode(input, &args(Some(n), 12));
            assert_eq!(
                out,
                "{\"type\":\"event\",\"event\":\"message\",\"data\":\"ok\",\"id\":\"\"}\n"
            );
            assert_eq!(
                err.as_deref(),
                Some("decode: line exceeds 12 bytes (at byte offset 22)")
            );
        }
    }
}
