//! Benchmark corpora shared by the criterion benches: deterministic streams that
//! each know how many events they hold.

/// A generated event stream and what decoding it must yield.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The stream's bytes.
    pub bytes: Vec<u8>,
    /// How many events a correct decoder dispatches.
    pub events: usize,
}

/// LLM token deltas: many small JSON events with `event:` names, as streamed by
/// chat-completion APIs, about `target` bytes long.
pub fn llm_tokens(target: usize) -> Corpus {
    let words = [
        " the", " quick", " brown", " fox", " jumps", " over", " lazy", " dog", ".", "\\n",
    ];
    let mut bytes = Vec::with_capacity(target + 256);
    let mut events = 0;
    while bytes.len() < target {
        let w = words[events % words.len()];
        bytes.extend_from_slice(
            format!(
                "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{w}\"}}}}\n\n"
            )
            .as_bytes(),
        );
        events += 1;
    }
    Corpus { bytes, events }
}

/// Decodes `corpus` in `read`-byte pieces with `sse_proto::Decoder`; returns the
/// number of events and the total data length (so nothing is optimized away).
pub fn decode_count(
    decoder: &mut sse_proto::Decoder<Vec<u8>>,
    bytes: &[u8],
    read: usize,
) -> (usize, usize) {
    let (mut events, mut data) = (0, 0);
    for chunk in bytes.chunks(read) {
        let mut input = chunk;
        while !input.is_empty() {
            let step = decoder.decode(input).expect("corpus within default limits");
            input = &input[step.consumed..];
            if let Some(sse_proto::Item::Event(e)) = step.item {
                events += 1;
                data += e.data().len();
            }
        }
    }
    (events, data)
}
