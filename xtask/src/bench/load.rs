//! The load driver: N clients, each one keep-alive HTTP/1.1 connection (hyper),
//! sending requests back to back until a shared request budget or a deadline runs
//! out. Latency is per request, from send to the last body byte, in an HDR
//! histogram (µs). Every response must be 2xx: others are counted and fail the row.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One request of a load: method, path, JSON body.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: http::Method,
    pub path: String,
    pub body: Option<Bytes>,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Req {
        Req {
            method: http::Method::GET,
            path: path.into(),
            body: None,
        }
    }

    pub fn json(method: http::Method, path: impl Into<String>, body: &serde_json::Value) -> Req {
        Req {
            method,
            path: path.into(),
            body: Some(Bytes::from(body.to_string())),
        }
    }
}

/// Makes the `seq`-th request of client `client`.
pub type MakeReq = Arc<dyn Fn(usize, usize) -> Req + Send + Sync>;

/// A load: who, how many, for how long at most.
#[derive(Clone)]
pub struct Load {
    pub addr: SocketAddr,
    pub token: String,
    pub clients: usize,
    pub requests: usize,
    pub max_time: Duration,
    pub make: MakeReq,
}

/// What a load measured.
pub struct Outcome {
    pub ok: u64,
    pub non_2xx: u64,
    /// One failed response, for the report.
    pub sample_failure: Option<String>,
    pub wall: Duration,
    pub hist: Histogram<u64>,
}

impl Outcome {
    pub fn rate(&self) -> f64 {
        (self.ok + self.non_2xx) as f64 / self.wall.as_secs_f64()
    }

    pub fn p99_ms(&self) -> f64 {
        self.hist.value_at_quantile(0.99) as f64 / 1000.0
    }

    pub fn p50_ms(&self) -> f64 {
        self.hist.value_at_quantile(0.50) as f64 / 1000.0
    }

    /// An error when any response was not 2xx.
    pub fn check(&self, what: &str) -> Result<()> {
        if self.non_2xx > 0 {
            bail!(
                "{what}: {} of {} responses were not 2xx (e.g. {})",
                self.non_2xx,
                self.ok + self.non_2xx,
                self.sample_failure.as_deref().unwrap_or("?")
            );
        }
        Ok(())
    }
}

struct ClientResult {
    ok: u64,
    non_2xx: u64,
    sample_failure: Option<String>,
    hist: Histogram<u64>,
}

fn histogram() -> Histogram<u64> {
    // 1 µs .. 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

fn build(addr: SocketAddr, token: &str, req: &Req) -> Result<Request<Full<Bytes>>> {
    let mut b = Request::builder()
        .method(req.method.clone())
        .uri(&req.path)
        .header("host", addr.to_string())
        .header("accept", "application/json");
    if !token.is_empty() {
        b = b.header("authorization", format!("Bearer {token}"));
    }
    let body = match &req.body {
        Some(body) => {
            b = b.header("content-type", "application/json");
            Full::new(body.clone())
        }
        None => Full::new(Bytes::new()),
    };
    Ok(b.body(body)?)
}

/// Sends one request on a fresh connection: status and body.
pub async fn once(addr: SocketAddr, token: &str, req: &Req) -> Result<(u16, Bytes)> {
    let mut sender = connect(addr).await?;
    let resp = sender.send_request(build(addr, token, req)?).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// Like [`once`], failing on a non-2xx answer.
pub async fn call(addr: SocketAddr, token: &str, req: &Req) -> Result<Bytes> {
    let (status, body) = once(addr, token, req).await?;
    if !(200..300).contains(&status) {
        bail!(
            "{} {}: {status} {}",
            req.method,
            req.path,
            String::from_utf8_lossy(&body)
        );
    }
    Ok(body)
}

async fn client(
    load: Arc<Load>,
    id: usize,
    next: Arc<AtomicUsize>,
    deadline: Instant,
) -> Result<ClientResult> {
    let mut sender = connect(load.addr).await?;
    let mut out = ClientResult {
        ok: 0,
        non_2xx: 0,
        sample_failure: None,
        hist: histogram(),
    };
    let mut seq = 0;
    while next.fetch_add(1, Ordering::Relaxed) < load.requests && Instant::now() < deadline {
        let req = (load.make)(id, seq);
        seq += 1;
        let request = build(load.addr, &load.token, &req)?;
        sender.ready().await?;
        let start = Instant::now();
        let resp = sender.send_request(request).await?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await?.to_bytes();
        let micros = start.elapsed().as_micros().clamp(1, 60_000_000) as u64;
        out.hist.record(micros)?;
        if (200..300).contains(&status) {
            out.ok += 1;
        } else {
            out.non_2xx += 1;
            if out.sample_failure.is_none() {
                let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                out.sample_failure = Some(format!("{} {} → {status} {text}", req.method, req.path));
            }
        }
    }
    Ok(out)
}

/// Runs `load`: every client on its own connection until the budget or deadline.
pub async fn run(load: &Load) -> Result<Outcome> {
    let load = Arc::new(load.clone());
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + load.max_time;
    let handles: Vec<_> = (0..load.clients)
        .map(|id| tokio::spawn(client(load.clone(), id, next.clone(), deadline)))
        .collect();
    let mut out = Outcome {
        ok: 0,
        non_2xx: 0,
        sample_failure: None,
        wall: Duration::ZERO,
        hist: histogram(),
    };
    for h in handles {
        let r = h.await.context("load client panicked")??;
        out.ok += r.ok;
        out.non_2xx += r.non_2xx;
        out.sample_failure = out.sample_failure.or(r.sample_failure);
        out.hist.add(&r.hist)?;
    }
    out.wall = start.elapsed();
    if out.ok + out.non_2xx == 0 {
        bail!("the load sent no request");
    }
    Ok(out)
}
