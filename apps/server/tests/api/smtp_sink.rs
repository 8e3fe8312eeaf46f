//! A minimal SMTP server on a real socket that keeps every message it receives: the tests
//! read links and codes out of real mail sent by the server over SMTP.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub raw: String,
}

impl ReceivedMail {
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next()?;
        head.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
    }

    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The decoded `text/plain` part.
    pub fn text(&self) -> String {
        self.part("text/plain")
    }

    pub fn html(&self) -> String {
        self.part("text/html")
    }

    fn part(&self, content_type: &str) -> String {
        for part in self.raw.split("\r\n--") {
            let Some((head, body)) = part.split_once("\r\n\r\n") else { continue };
            if !head.to_ascii_lowercase().contains(&format!("content-type: {content_type}")) {
                continue;
            }
            let body = body.split("\r\n--").next().unwrap_or(body);
            let head = head.to_ascii_lowercase();
            return if head.contains("content-transfer-encoding: quoted-printable") {
                decode_quoted_printable(body)
            } else if head.contains("content-transfer-encoding: base64") {
                let joined: String = body.split_whitespace().collect();
                let bytes = base64::engine::general_purpose::STANDARD.decode(joined).unwrap();
                String::from_utf8(bytes).unwrap()
            } else {
                body.to_owned()
            };
        }
        panic!("no {content_type} part in:\n{}", self.raw)
    }

    /// The first absolute URL in the text part.
    pub fn link(&self) -> String {
        let text = self.text();
        let start = text.find("http").unwrap_or_else(|| panic!("no link in:\n{text}"));
        text[start..].split_whitespace().next().unwrap().to_owned()
    }

    /// A code: the first line of the text part made of digits only.
    pub fn code(&self) -> String {
        let text = self.text();
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in:\n{text}"))
            .to_owned()
    }
}

fn decode_quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, store.clone()));
            }
        });
        Self { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    pub fn count_to(&self, to: &str) -> usize {
        self.all().iter().filter(|m| m.to.iter().any(|t| t == to)).count()
    }

    /// Waits (up to 10 s) until `to` has received more than `already` messages; returns the
    /// newest.
    pub async fn wait_for(&self, to: &str, already: usize) -> ReceivedMail {
        for _ in 0..200 {
            let mine: Vec<ReceivedMail> =
                self.all().into_iter().filter(|m| m.to.iter().any(|t| t == to)).collect();
            if mine.len() > already {
                return mine.last().cloned().unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail for {to} after {already} earlier ones")
    }
}

async fn serve(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<ReceivedMail>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut recipients = Vec::new();
    if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("MAIL FROM") {
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO") {
            let address = line
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(a, _)| a.to_owned())
                .unwrap_or_default();
            recipients.push(address);
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            if write.write_all(b"354 go ahead\r\n").await.is_err() {
                return;
            }
            let mut raw = String::new();
            while let Ok(Some(data)) = lines.next_line().await {
                if data == "." {
                    break;
                }
                raw.push_str(
                    data.strip_prefix('.').filter(|_| data.starts_with("..")).unwrap_or(&data),
                );
                raw.push_str("\r\n");
            }
            store.lock().unwrap().push(ReceivedMail { to: std::mem::take(&mut recipients), raw });
            b"250 queued\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else if upper.starts_with("RSET") {
            recipients.clear();
            b"250 OK\r\n"
        } else {
            b"250 OK\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// A server that accepts connections and never answers (a hung mail server).
pub async fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    port
}

/// A port where nothing listens (a mail server that is down).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
