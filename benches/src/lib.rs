//! Benchmark corpora and decoder drivers shared by the criterion benches and the
//! `matrix` binary.
//!
//! Every corpus is generated in memory from a fixed seed (no files, same bytes on
//! every run) and knows how many events and comments a conforming decoder must
//! find in it, so a bench can check the work it timed (the rebar rule: a fast
//! wrong answer is not a result).
//!
//! With the `peers` feature, [`peers`] drives other crates' SSE decoders through
//! their public APIs on the same 16 KiB reads.

use memchr::{memchr2_iter, memchr_iter};
use sse_proto::{Decoder, Frame, Item, ItemOwned};

#[cfg(feature = "peers")]
pub mod peers;
#[cfg(feature = "peers")]
pub mod vectors;

/// The read size every bench feeds the decoders: a typical socket read.
pub const READ_SIZE: usize = 16 * 1024;

/// Each corpus is generated up to at least this many bytes.
pub const TARGET_LEN: usize = 2 * 1024 * 1024;

/// One benchmark input with the counts a conforming decoder must report.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// A short name, used as the criterion benchmark id.
    pub name: &'static str,
    /// The event-stream bytes.
    pub bytes: Vec<u8>,
    /// How many events a conforming decoder dispatches.
    pub events: usize,
    /// How many comment lines it holds.
    pub comments: usize,
    /// Whether its lines end in CRLF (the newline floor then looks for CR and LF).
    pub crlf: bool,
}

/// What a decoder found in a corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Events dispatched.
    pub events: usize,
    /// Comments surfaced (zero for decoders that drop them).
    pub comments: usize,
    /// Total bytes of event data, so that no decoder can skip producing it.
    pub data_bytes: usize,
}

impl Counts {
    fn add(&mut self, item: &Item<'_>) {
        match item {
            Item::Event(e) => {
                self.events += 1;
                self.data_bytes += e.data().len();
            }
            Item::Comment(_) => self.comments += 1,
            _ => {}
        }
    }
}

/// A small deterministic generator (xorshift64*): same corpus bytes on every run.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Token texts as LLM streams send them: mostly a leading space and a short word,
/// some punctuation, some non-ASCII, some JSON escapes.
const TOKENS: &[&str] = &[
    " the",
    " of",
    " and",
    " to",
    " a",
    " in",
    " is",
    " that",
    " for",
    " it",
    " as",
    " with",
    " stream",
    " event",
    " server",
    " token",
    " model",
    " response",
    ",",
    ".",
    "\\n",
    "\\n\\n",
    " \\\"",
    "\\\"",
    " café",
    " naïve",
    " 東京",
    " données",
    " über",
    "ing",
    "ed",
    " 42",
    " 3.14",
    " Rust",
    " async",
    " decoder",
    " —",
    " 🙂",
    "'s",
];

/// The start of an Anthropic-style message stream.
const MESSAGE_START: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-sonnet\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n";

/// CJK tokens as a Chinese, Japanese or Korean LLM answer streams them: one to
/// three characters each, full-width punctuation included (all non-ASCII).
const CJK_TOKENS: &[&str] = &[
    "的",
    "是",
    "在",
    "我们",
    "服务器",
    "事件",
    "流",
    "数据",
    "解码器",
    "，",
    "。",
    "、",
    "东京",
    "模型",
    "回答",
    "问题",
    "可以",
    "这个",
    "です",
    "ます",
    "した",
    "の",
    "は",
    "を",
    "に",
    "サーバー",
    "イベント",
    "ストリーム",
    "データ",
    "。",
    "、",
    "「",
    "」",
    "서버",
    "이벤트",
    "스트림",
    "데이터",
    "입니다",
    "는",
    "을",
    "에서",
    "합니다",
    "。",
];

/// Chat words, about half followed by an emoji (4-byte sequences, some with a
/// variation selector or a zero-width joiner).
const CHAT_WORDS: &[&str] = &[
    " ok", " sure", " thanks", " great", " lol", " see", " you", " soon", " love", " it", " nice",
    " haha", " yes", " no", " maybe", " party", " tonight", " coffee", " now",
];
const EMOJI: &[&str] = &[
    " 😀",
    " 😂",
    " 🙂",
    " 👍",
    " 🎉",
    " ❤️",
    " 🔥",
    " 🙏",
    " 😅",
    " 🚀",
    " 👨‍💻",
    " 🤔",
    " ✨",
    " 👋🏽",
    " 🥳",
];

/// Tokens of other scripts: accented Latin, Greek, Cyrillic, Arabic, Hebrew,
/// Devanagari and Thai.
const OTHER_SCRIPTS: &[&str] = &[
    " café",
    " naïve",
    " São",
    " Zürich",
    " Ελλάδα",
    " λόγος",
    " привет",
    " данные",
    " سلام",
    " بيانات",
    " שלום",
    " नमस्ते",
    " डेटा",
    " สวัสดี",
];

/// Token `i` of `llm_tokens_mixed`'s 38: the first 20 of [`TOKENS`], four
/// more ASCII ones, then [`OTHER_SCRIPTS`].
fn mixed_token(i: usize) -> &'static str {
    match i {
        0..20 => TOKENS[i],
        20..24 => ["ing", " 42", " Rust", " decoder"][i - 20],
        _ => OTHER_SCRIPTS[(i - 24) % OTHER_SCRIPTS.len()],
    }
}

/// An Anthropic-style message stream (as [`llm_tokens`]) whose delta texts are
/// drawn by `token`, with a `ping` every 50 deltas.
fn anthropic_stream(seed: u64, mut token: impl FnMut(&mut Rng) -> &'static str) -> (String, usize) {
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(TARGET_LEN + 4096);
    let mut events = 0;
    while out.len() < TARGET_LEN {
        out.push_str(MESSAGE_START);
        out.push_str("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        events += 2;
        for i in 0..400 {
            if i % 50 == 49 {
                out.push_str("event: ping\ndata: {\"type\": \"ping\"}\n\n");
                events += 1;
            }
            out.push_str("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"");
            out.push_str(token(&mut rng));
            out.push_str("\"}}\n\n");
            events += 1;
        }
        out.push_str(
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        );
        out.push_str("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        events += 2;
    }
    (out, events)
}

/// (a) LLM token deltas: many small JSON events with `event:` names, like the
/// OpenAI and Anthropic streaming APIs send, with an occasional `ping`.
pub fn llm_tokens() -> Corpus {
    let (out, events) = anthropic_stream(0x5EED_0001, |rng| TOKENS[rng.below(TOKENS.len())]);
    Corpus {
        name: "llm_tokens",
        bytes: out.into_bytes(),
        events,
        comments: 0,
        crlf: false,
    }
}

/// (b) A price ticker: small `tick` events, each with an `id:`.
pub fn price_ticker() -> Corpus {
    let mut rng = Rng(0x5EED_0002);
    let mut out = String::with_capacity(TARGET_LEN + 256);
    let symbols = [
        "BTC-USD", "ETH-USD", "SOL-USD", "EUR-USD", "AAPL", "MSFT", "NVDA",
    ];
    let mut events = 0;
    let mut id = 1_700_000_000_000u64;
    while out.len() < TARGET_LEN {
        id += 1 + rng.below(40) as u64;
        let price = 1000 + rng.below(99_000);
        let qty = 1 + rng.below(5000);
        let line = format!(
            "id: {id}\nevent: tick\ndata: {{\"s\":\"{}\",\"p\":{}.{:02},\"q\":{},\"t\":{id}}}\n\n",
            symbols[rng.below(symbols.len())],
            price,
            rng.below(100),
            qty,
        );
        out.push_str(&line);
        events += 1;
    }
    Corpus {
        name: "price_ticker",
        bytes: out.into_bytes(),
        events,
        comments: 0,
        crlf: false,
    }
}

/// (c) 64 KiB single-line events (a large JSON or base64 payload per event).
pub fn long_lines() -> Corpus {
    const LINE: usize = 64 * 1024;
    let mut rng = Rng(0x5EED_0003);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(TARGET_LEN + LINE + 16);
    let mut events = 0;
    while out.len() < TARGET_LEN {
        out.extend_from_slice(b"data: ");
        out.extend((0..LINE).map(|_| alphabet[rng.below(alphabet.len())]));
        out.extend_from_slice(b"\n\n");
        events += 1;
    }
    Corpus {
        name: "long_lines_64k",
        bytes: out,
        events,
        comments: 0,
        crlf: false,
    }
}

/// (d) Events of 20 `data:` lines each (log tails, pretty-printed JSON).
pub fn multi_line() -> Corpus {
    let mut rng = Rng(0x5EED_0004);
    let mut out = String::with_capacity(TARGET_LEN + 4096);
    let levels = ["INFO", "WARN", "DEBUG", "ERROR"];
    let mut events = 0;
    let mut n = 0u64;
    while out.len() < TARGET_LEN {
        out.push_str("event: log\n");
        for _ in 0..20 {
            n += 1;
            let line = format!(
                "data: 2026-11-24T05:{:02}:{:02}.{:03}Z {} worker-{} request {} handled in {} us\n",
                rng.below(60),
                rng.below(60),
                rng.below(1000),
                levels[rng.below(levels.len())],
                rng.below(16),
                n,
                rng.below(100_000),
            );
            out.push_str(&line);
        }
        out.push('\n');
        events += 1;
    }
    Corpus {
        name: "multi_line_20",
        bytes: out.into_bytes(),
        events,
        comments: 0,
        crlf: false,
    }
}

/// (e) The LLM token corpus with CRLF line ends.
pub fn llm_tokens_crlf() -> Corpus {
    let base = llm_tokens();
    let mut bytes = Vec::with_capacity(base.bytes.len() * 21 / 20);
    for &b in &base.bytes {
        if b == b'\n' {
            bytes.push(b'\r');
        }
        bytes.push(b);
    }
    Corpus {
        name: "llm_tokens_crlf",
        bytes,
        crlf: true,
        ..base
    }
}

/// (f) A quiet stream: half the blocks are `: keepalive` comments.
pub fn keepalive_heavy() -> Corpus {
    let mut rng = Rng(0x5EED_0006);
    let mut out = String::with_capacity(TARGET_LEN + 256);
    let mut events = 0;
    let mut comments = 0;
    while out.len() < TARGET_LEN {
        out.push_str(": keepalive\n\n");
        comments += 1;
        out.push_str("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"");
        out.push_str(TOKENS[rng.below(TOKENS.len())]);
        out.push_str("\"}}\n\n");
        events += 1;
    }
    Corpus {
        name: "keepalive_half",
        bytes: out.into_bytes(),
        events,
        comments,
        crlf: false,
    }
}

/// (g) LLM token deltas in Chinese, Japanese and Korean: every delta's text is
/// non-ASCII (about 96% of the events).
pub fn llm_tokens_cjk() -> Corpus {
    let (out, events) =
        anthropic_stream(0x5EED_0007, |rng| CJK_TOKENS[rng.below(CJK_TOKENS.len())]);
    Corpus {
        name: "llm_tokens_cjk",
        bytes: out.into_bytes(),
        events,
        comments: 0,
        crlf: false,
    }
}

/// (h) An emoji-heavy chat stream in the OpenAI `chat.completion.chunk` shape
/// (no `event:` line): about half the chunks carry an emoji.
pub fn chat_emoji() -> Corpus {
    let mut rng = Rng(0x5EED_0008);
    let mut out = String::with_capacity(TARGET_LEN + 4096);
    let mut events = 0;
    let mut created = 1_764_000_000u64;
    while out.len() < TARGET_LEN {
        created += 1;
        for _ in 0..200 {
            out.push_str("data: {\"id\":\"chatcmpl-AbC123xyz\",\"object\":\"chat.completion.chunk\",\"created\":");
            out.push_str(&created.to_string());
            out.push_str(
                ",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"",
            );
            out.push_str(CHAT_WORDS[rng.below(CHAT_WORDS.len())]);
            if rng.below(2) == 0 {
                out.push_str(EMOJI[rng.below(EMOJI.len())]);
            }
            out.push_str("\"},\"finish_reason\":null}]}\n\n");
            events += 1;
        }
        out.push_str("data: [DONE]\n\n");
        events += 1;
    }
    Corpus {
        name: "chat_emoji",
        bytes: out.into_bytes(),
        events,
        comments: 0,
        crlf: false,
    }
}

/// (i) LLM token deltas in mixed scripts: about a third of the deltas carry
/// non-ASCII text (accented Latin, Greek, Cyrillic, Arabic, Hebrew, Hindi, Thai).
pub fn llm_tokens_mixed() -> Corpus {
    let (out, events) = anthropic_stream(0x5EED_0009, |rng| {
        mixed_token(rng.below(24 + OTHER_SCRIPTS.len()))
    });
    Corpus {
        name: "llm_tokens_mixed",
        bytes: out.into_bytes(),
        events,
        comments: 0,
        crlf: false,
    }
}

/// (j) Comment-heavy: every event block starts with two comment lines (a
/// timestamp and a sequence number, as proxies annotate streams), and every
/// tenth block is followed by a `: keepalive` block; comments are surfaced.
pub fn comment_heavy() -> Corpus {
    let mut rng = Rng(0x5EED_000A);
    let mut out = String::with_capacity(TARGET_LEN + 256);
    let mut events = 0;
    let mut comments = 0;
    let mut ts = 1_764_000_000_000u64;
    while out.len() < TARGET_LEN {
        ts += 1 + rng.below(30) as u64;
        out.push_str(": ts=");
        out.push_str(&ts.to_string());
        out.push_str("\n: seq=");
        out.push_str(&events.to_string());
        out.push_str("\ndata: {\"type\":\"text_delta\",\"text\":\"");
        out.push_str(TOKENS[rng.below(TOKENS.len())]);
        out.push_str("\"}\n\n");
        comments += 2;
        events += 1;
        if events % 10 == 0 {
            out.push_str(": keepalive\n\n");
            comments += 1;
        }
    }
    Corpus {
        name: "comment_heavy",
        bytes: out.into_bytes(),
        events,
        comments,
        crlf: false,
    }
}

/// All ten corpora, in the order the README table lists them.
pub fn corpora() -> Vec<Corpus> {
    vec![
        llm_tokens(),
        price_ticker(),
        long_lines(),
        multi_line(),
        llm_tokens_crlf(),
        keepalive_heavy(),
        llm_tokens_cjk(),
        chat_emoji(),
        llm_tokens_mixed(),
        comment_heavy(),
    ]
}

/// One event whose single `data:` line is `len` bytes long (plus the field name
/// and line ends), for the linearity bench.
pub fn one_long_line(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    out.extend_from_slice(b"data: ");
    out.extend((0..len).map(|i| b'a' + (i % 26) as u8));
    out.extend_from_slice(b"\n\n");
    out
}

/// Decodes `bytes` with a fresh [`sse_proto::Decoder`] in reads of `read` bytes,
/// each drained through [`Decoder::feed`] (the usual way), and counts what it finds.
///
/// # Panics
///
/// When the decoder reports a limit error (the corpora stay within the defaults)
/// or `read` is zero.
pub fn decode_ours(bytes: &[u8], read: usize) -> Counts {
    decode_with(Decoder::new(), bytes, read)
}

/// [`decode_ours`] with comments passed over (`Decoder::with_comments(false)`),
/// which is what every peer does with them.
///
/// # Panics
///
/// As [`decode_ours`].
pub fn decode_ours_without_comments(bytes: &[u8], read: usize) -> Counts {
    decode_with(Decoder::new().with_comments(false), bytes, read)
}

fn decode_with(mut decoder: Decoder<Vec<u8>>, bytes: &[u8], read: usize) -> Counts {
    let mut counts = Counts::default();
    for chunk in bytes.chunks(read) {
        let mut feed = decoder.feed(chunk);
        while let Some(item) = feed.next_item() {
            match item {
                Ok(item) => counts.add(&item),
                Err(e) => panic!("corpus exceeds the default limits: {e}"),
            }
        }
    }
    counts
}

/// [`decode_ours`] through the single-step [`Decoder::decode`] loop instead of
/// [`Decoder::feed`].
///
/// # Panics
///
/// As [`decode_ours`].
pub fn decode_ours_in_steps(bytes: &[u8], read: usize) -> Counts {
    let mut decoder = Decoder::new();
    let mut counts = Counts::default();
    for chunk in bytes.chunks(read) {
        let mut input = chunk;
        while !input.is_empty() {
            let step = match decoder.decode(input) {
                Ok(step) => step,
                Err(e) => panic!("corpus exceeds the default limits: {e}"),
            };
            input = &input[step.consumed..];
            if let Some(item) = step.item {
                counts.add(&item);
            }
        }
    }
    counts
}

/// [`decode_ours`] through [`Decoder::feed_bytes`] on `Bytes` reads (feature
/// `peers`, which enables `sse-proto/bytes`), items owned as HTTP clients get them.
///
/// # Panics
///
/// As [`decode_ours`].
#[cfg(feature = "peers")]
pub fn decode_ours_bytes(reads: &[bytes::Bytes]) -> Counts {
    let mut decoder = Decoder::new();
    let mut counts = Counts::default();
    for chunk in reads {
        for item in decoder.feed_bytes(chunk) {
            match item {
                Ok(item) => counts.add(&item.as_item()),
                Err(e) => panic!("corpus exceeds the default limits: {e}"),
            }
        }
    }
    counts
}

/// The items of `bytes`, owned, as a server would hold them before encoding.
///
/// # Panics
///
/// When `bytes` exceeds the decoder's default limits (the corpora do not).
pub fn owned_items(bytes: &[u8]) -> Vec<ItemOwned> {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    let mut feed = decoder.feed(bytes);
    while let Some(item) = feed.next_item() {
        out.push(
            item.expect("corpora are within the default limits")
                .into_owned(),
        );
    }
    out
}

/// The frames the encode bench writes for `items`: `event:` unless `message`,
/// `id:` when it changes (as `sse encode` writes them).
pub fn encode_frames(items: &[ItemOwned]) -> Vec<Frame<'_>> {
    let mut last_id = "";
    items
        .iter()
        .map(|item| {
            let mut frame = Frame::from(item.as_item());
            if let Frame::Event(event) = &mut frame {
                match event.id {
                    Some(id) if id == last_id => event.id = None,
                    Some(id) => last_id = id,
                    None => {}
                }
            }
            frame
        })
        .collect()
}

/// The physical floor: visits every line end of `bytes` with `memchr` (LF) or
/// `memchr2` (CR and LF, when `crlf`), in reads of `read` bytes, and returns how
/// many it saw. No decoder can find lines faster than this.
///
/// It steps the iterator one line end at a time on purpose: `Iterator::count`
/// on a memchr iterator is a vectorised byte count that never stops at a line,
/// which is not what a decoder does.
pub fn newline_floor(bytes: &[u8], read: usize, crlf: bool) -> usize {
    let mut seen = 0;
    let mut last = 0;
    for chunk in bytes.chunks(read) {
        if crlf {
            for at in memchr2_iter(b'\r', b'\n', chunk) {
                seen += 1;
                last = at;
            }
        } else {
            for at in memchr_iter(b'\n', chunk) {
                seen += 1;
                last = at;
            }
        }
    }
    // Keep the positions observable so the loop is not reduced to a count.
    std::hint::black_box(last);
    seen
}

/// The floor for a decoder that joins lines: [`newline_floor`]'s line-end walk
/// plus a copy of every line (without its line end) into one reused buffer,
/// emptied at each empty line, with a line cut by a read carried over in it.
/// Returns the line ends seen.
///
/// A decoder must copy the data of a multi-line event (its lines are not
/// contiguous in the input) and of a line that spans reads, so on
/// `multi_line_20` and `long_lines_64k` no decoder that hands out an event's data
/// as one string can beat this loop by much; on the single-line corpora a
/// zero-copy decoder copies nothing and this floor does not apply.
pub fn join_floor(bytes: &[u8], read: usize, crlf: bool) -> usize {
    let mut joined = Vec::new();
    let mut seen = 0;
    for chunk in bytes.chunks(read) {
        let mut start = 0;
        let mut line = |at: usize, joined: &mut Vec<u8>| {
            if at == start && joined.is_empty() {
                // An empty line: the event is complete.
            } else if at == start {
                std::hint::black_box(joined.as_slice());
                joined.clear();
            } else {
                joined.extend_from_slice(&chunk[start..at]);
                joined.push(b'\n');
            }
            start = at + 1;
        };
        if crlf {
            for at in memchr2_iter(b'\r', b'\n', chunk) {
                seen += 1;
                line(at, &mut joined);
            }
        } else {
            for at in memchr_iter(b'\n', chunk) {
                seen += 1;
                line(at, &mut joined);
            }
        }
        joined.extend_from_slice(&chunk[start..]);
    }
    std::hint::black_box(joined.len());
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpora_have_the_counts_they_claim() {
        for corpus in corpora() {
            assert!(
                (TARGET_LEN..4 * TARGET_LEN).contains(&corpus.bytes.len()),
                "{}: {} bytes",
                corpus.name,
                corpus.bytes.len()
            );
            for read in [READ_SIZE, 4093] {
                let got = decode_ours(&corpus.bytes, read);
                assert_eq!(got.events, corpus.events, "{} events", corpus.name);
                assert_eq!(got.comments, corpus.comments, "{} comments", corpus.name);
                assert_eq!(decode_ours_in_steps(&corpus.bytes, read), got);
            }
        }
    }

    #[test]
    fn corpora_are_deterministic() {
        assert_eq!(llm_tokens().bytes, llm_tokens().bytes);
        assert_eq!(price_ticker().bytes, price_ticker().bytes);
        assert_eq!(chat_emoji().bytes, chat_emoji().bytes);
    }

    /// The share of events whose data holds a non-ASCII byte, per new corpus:
    /// a third to all, as their docs say.
    #[test]
    fn non_ascii_corpora_have_their_share_of_non_ascii_events() {
        for (corpus, low, high) in [
            (llm_tokens_cjk(), 0.9, 1.0),
            (chat_emoji(), 0.4, 0.6),
            (llm_tokens_mixed(), 0.25, 0.45),
        ] {
            let mut decoder = Decoder::new();
            let mut feed = decoder.feed(&corpus.bytes);
            let (mut all, mut non_ascii) = (0, 0);
            while let Some(item) = feed.next_item() {
                if let Item::Event(e) = item.unwrap() {
                    all += 1;
                    non_ascii += usize::from(!e.data().is_ascii());
                }
            }
            let share = non_ascii as f64 / all as f64;
            assert!((low..=high).contains(&share), "{}: {share}", corpus.name);
        }
    }

    #[test]
    fn crlf_corpus_differs_only_in_line_ends() {
        let lf = llm_tokens();
        let crlf = llm_tokens_crlf();
        let lines = newline_floor(&lf.bytes, READ_SIZE, false);
        assert_eq!(newline_floor(&crlf.bytes, READ_SIZE, true), 2 * lines);
        assert_eq!(crlf.bytes.len(), lf.bytes.len() + lines);
    }

    #[test]
    fn long_line_decodes_the_same_byte_by_byte() {
        let line = one_long_line(10_000);
        let whole = decode_ours(&line, line.len());
        assert_eq!(whole.events, 1);
        assert_eq!(whole.data_bytes, 10_000);
        assert_eq!(decode_ours(&line, 1), whole);
    }
}
