//! The SMTP relay named by `--smtp-url`, and one session with it.
//!
//! lettre's pooled transport returns a connection to its pool on a spawned
//! task, so the next send may find the pool empty and open a second
//! connection. The outbox promises one connection per batch, so it holds the
//! connection itself: [`Relay`] is the parsed URL, [`Session`] one
//! connection, opened at the first mail and opened again only when the relay
//! broke it (a refused command makes lettre drop the connection).
//!
//! The URL follows lettre's rules: `smtp://host[:port]` (plain, port 25),
//! `smtp://host?tls=required|opportunistic` (STARTTLS, port 587),
//! `smtps://host[:port]` (TLS from the start, port 465); `user:pass@` gives
//! credentials (percent-decoded) and a path gives the EHLO name.

use std::time::Duration;

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

/// How long one SMTP command may take.
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tls {
    None,
    StartTlsRequired,
    StartTlsOpportunistic,
    Wrapper,
}

/// Where and how to reach the relay.
#[derive(Clone, Debug)]
pub struct Relay {
    host: String,
    port: u16,
    tls: Tls,
    hello: ClientId,
    credentials: Option<Credentials>,
}

impl Relay {
    /// Parses `--smtp-url`; the error says what is wrong, without the URL.
    pub fn parse(url: &str) -> Result<Relay, String> {
        let u = url::Url::parse(url).map_err(|e| e.to_string())?;
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("no host")?
            .to_owned();
        let tls_param = u
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (tls, default_port) = match (u.scheme(), tls_param.as_deref()) {
            ("smtp", None) => (Tls::None, 25),
            ("smtp", Some("required")) => (Tls::StartTlsRequired, 587),
            ("smtp", Some("opportunistic")) => (Tls::StartTlsOpportunistic, 587),
            ("smtps", None) => (Tls::Wrapper, 465),
            ("smtp" | "smtps", Some(other)) => return Err(format!("unknown tls parameter '{other}'")),
            (scheme, _) => return Err(format!("unknown scheme '{scheme}'")),
        };
        let hello = match u.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let credentials = match u.password() {
            Some(pass) => {
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .map(|c| c.into_owned())
                        .map_err(|_| "credentials are not UTF-8".to_owned())
                };
                Some(Credentials::new(decode(u.username())?, decode(pass)?))
            }
            None => None,
        };
        Ok(Relay {
            port: u.port().unwrap_or(default_port),
            host,
            tls,
            hello,
            credentials,
        })
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let params = || TlsParameters::new(self.host.clone()).map_err(|e| e.to_string());
        let wrapper = match self.tls {
            Tls::Wrapper => Some(params()?),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(TIMEOUT),
            &self.hello,
            wrapper,
            None,
        )
        .await
        .map_err(|e| e.to_string())?;
        let starttls = match self.tls {
            Tls::StartTlsRequired => true,
            Tls::StartTlsOpportunistic => conn.can_starttls(),
            Tls::None | Tls::Wrapper => false,
        };
        if starttls {
            conn.starttls(params()?, &self.hello)
                .await
                .map_err(|e| e.to_string())?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(conn)
    }
}

/// One connection to the relay, used for every mail of a batch.
pub struct Session<'a> {
    relay: &'a Relay,
    conn: Option<AsyncSmtpConnection>,
}

impl<'a> Session<'a> {
    pub fn new(relay: &'a Relay) -> Session<'a> {
        Session { relay, conn: None }
    }

    /// Sends one mail; connects first when there is no usable connection.
    pub async fn send(&mut self, message: &Message) -> Result<(), String> {
        if self.conn.as_ref().is_none_or(AsyncSmtpConnection::has_broken) {
            self.conn = Some(self.relay.connect().await?);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err("no connection".to_owned());
        };
        let result = conn
            .send(message.envelope(), &message.formatted())
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        if conn.has_broken() {
            self.conn = None;
        }
        result
    }

    /// Ends the session politely (QUIT); a failure here loses nothing.
    pub async fn close(mut self) {
        if let Some(mut conn) = self.conn.take()
            && conn.quit().await.is_err()
        {
            conn.abort().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Relay, Tls};

    #[test]
    fn parses_the_url_as_lettre_does() {
        let r = Relay::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((r.host.as_str(), r.port, r.tls), ("127.0.0.1", 2525, Tls::None));
        assert!(r.credentials.is_none());
        let r = Relay::parse("smtp://mail.example.com?tls=required").unwrap();
        assert_eq!((r.port, r.tls), (587, Tls::StartTlsRequired));
        let r = Relay::parse("smtp://mail.example.com?tls=opportunistic").unwrap();
        assert_eq!(r.tls, Tls::StartTlsOpportunistic);
        let r = Relay::parse("smtps://u%40x:p%2Fw@mail.example.com/relay.example.com").unwrap();
        assert_eq!((r.port, r.tls), (465, Tls::Wrapper));
        assert!(r.credentials.is_some());
        assert_eq!(r.hello.to_string(), "relay.example.com");
        assert_eq!(Relay::parse("smtp://mail").unwrap().port, 25);
    }

    #[test]
    fn rejects_what_lettre_rejects() {
        for bad in [
            "http://mail.example.com",
            "not a url",
            "smtp://mail?tls=maybe",
            "smtp:///x",
        ] {
            assert!(Relay::parse(bad).is_err(), "{bad}");
        }
    }
}
