//! An LLM-style token stream: `POST /chat` with a prompt as the body answers
//! with the reply's tokens, one event each as they are generated, and ends
//! with `event: done` (its data: the token count, as JSON).
//!
//! The generator runs on its own task and sends through a bounded
//! [`channel`](sse_tokio::server::channel): it waits when the client reads
//! slowly, and stops as soon as the client goes away (the send fails), so a
//! closed tab costs no more tokens.
//!
//! ```text
//! cargo run -p sse-tokio --example llm_tokens
//! curl -N -d 'tell me a story' http://127.0.0.1:3001/chat
//! ```

use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::Version;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use sse_tokio::server::{EventBody, Sender};
use sse_tokio::{EventFrame, TokioRuntime};

/// The event type that ends a reply.
pub(crate) const DONE: &str = "done";

/// The routes; `pace`: the time the "model" takes per token.
pub(crate) fn app(pace: Duration) -> Router {
    Router::new().route("/chat", post(chat)).with_state(pace)
}

/// `POST /chat`: starts the generator and streams what it sends.
async fn chat(State(pace): State<Duration>, version: Version, prompt: String) -> Response {
    let (tx, body) = EventBody::channel(TokioRuntime, 16);
    tokio::spawn(generate(tx, prompt, pace));
    body.into_response(version).map(Body::new)
}

/// The reply's tokens: a stand-in for a model, echoing the prompt word by
/// word (a token carries its leading space, as a model's do).
pub(crate) fn reply_tokens(prompt: &str) -> Vec<String> {
    let mut tokens = vec!["You".to_string(), " said".to_string(), ":".to_string()];
    tokens.extend(prompt.split_whitespace().map(|word| format!(" {word}")));
    tokens
}

/// Sends each token as an event, then `done`; stops when the client left.
async fn generate(tx: Sender, prompt: String, pace: Duration) {
    let tokens = reply_tokens(&prompt);
    for token in &tokens {
        tokio::time::sleep(pace).await;
        if tx.send(EventFrame::new(token)).await.is_err() {
            return; // the client went away: stop generating
        }
    }
    let summary = format!("{{\"tokens\":{}}}", tokens.len());
    let _ = tx
        .send(EventFrame::new(&summary).with_event_type(DONE))
        .await;
    // Dropping `tx` ends the response.
}

/// Serves [`app`] on `listener` until the process ends.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    pace: Duration,
) -> std::io::Result<()> {
    axum::serve(listener, app(pace)).await
}

fn main() -> std::io::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:3001").await?;
            eprintln!("POST a prompt to http://{}/chat", listener.local_addr()?);
            serve(listener, Duration::from_millis(50)).await
        })
}
