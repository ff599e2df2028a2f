//! A minimal HTTP/1.1 server on loopback for the benchmarks: keep-alive, Content-Length and
//! chunked request bodies (counted and discarded, never buffered), fixed or generated responses.
//! Small on purpose: a benchmark must not measure its server's allocations.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the handler sees of a request.
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Bytes of body received (the body itself is discarded).
    pub body_len: u64,
}

/// A response: a body in memory, or `len` bytes generated chunk by chunk.
pub enum Body {
    Bytes(Bytes),
    Generated { len: u64, first: Bytes, chunk: Bytes },
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn json(body: Bytes) -> Self {
        Response {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Bytes(body),
        }
    }
}

pub type Handler = Arc<dyn Fn(Request) -> Response + Send + Sync>;

/// Serves `handler` on 127.0.0.1 (a random port) until the runtime ends.
pub async fn serve(handler: Handler) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let handler = handler.clone();
            tokio::spawn(async move {
                let _ = connection(stream, handler).await;
            });
        }
    });
    addr
}

async fn connection(stream: tokio::net::TcpStream, handler: Handler) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::with_capacity(64 * 1024, read);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("/").to_string();
        let (mut content_length, mut chunked) = (0u64, false);
        loop {
            line.clear();
            reader.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let k = k.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    content_length = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("transfer-encoding") && v.trim().eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let body_len = if chunked {
            discard_chunked(&mut reader).await?
        } else {
            discard(&mut reader, content_length).await?
        };
        let (path, query) = target
            .split_once('?')
            .map(|(p, q)| (p.to_string(), q.to_string()))
            .unwrap_or((target.clone(), String::new()));
        let response = handler(Request {
            method,
            path,
            query,
            body_len,
        });
        let len = match &response.body {
            Body::Bytes(b) => b.len() as u64,
            Body::Generated { len, .. } => *len,
        };
        let mut head = format!("HTTP/1.1 {} X\r\ncontent-length: {len}\r\n", response.status);
        for (k, v) in &response.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        write.write_all(head.as_bytes()).await?;
        match response.body {
            Body::Bytes(b) => write.write_all(&b).await?,
            Body::Generated { len, first, chunk } => {
                let mut left = len;
                let head = first.len().min(left as usize);
                write.write_all(&first[..head]).await?;
                left -= head as u64;
                while left > 0 {
                    let n = chunk.len().min(left as usize);
                    write.write_all(&chunk[..n]).await?;
                    left -= n as u64;
                }
            }
        }
        write.flush().await?;
    }
}

async fn discard<R: AsyncReadExt + Unpin>(r: &mut R, mut n: u64) -> std::io::Result<u64> {
    let total = n;
    let mut buf = vec![0u8; 64 * 1024];
    while n > 0 {
        let want = buf.len().min(n as usize);
        let got = r.read(&mut buf[..want]).await?;
        if got == 0 {
            break;
        }
        n -= got as u64;
    }
    Ok(total - n)
}

async fn discard_chunked<R: AsyncBufReadExt + AsyncReadExt + Unpin>(r: &mut R) -> std::io::Result<u64> {
    let mut total = 0;
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).await?;
        let size = u64::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        if size == 0 {
            line.clear();
            r.read_line(&mut line).await?; // the final CRLF
            return Ok(total);
        }
        total += discard(r, size).await?;
        line.clear();
        r.read_line(&mut line).await?; // CRLF after the chunk
    }
}
