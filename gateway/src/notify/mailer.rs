//! Where mail goes: an SMTP server (lettre's async transport over tokio, rustls for TLS), or,
//! in the embedded default with no SMTP host configured, `.eml` files under the data directory.

use std::path::{Path, PathBuf};

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Settings, SmtpTls};

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    /// The server refused for good (a 5xx reply): trying again cannot help.
    pub permanent: bool,
    pub message: String,
}

/// One message ready to go.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    /// The Message-ID without angle brackets; the same on every attempt.
    pub message_id: &'a str,
    /// Names the `.eml` file.
    pub file_stem: &'a str,
}

pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Files {
        dir: PathBuf,
        from: Mailbox,
    },
}

impl Mailer {
    /// The mailer the settings describe.
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        let from: Mailbox = settings.mail_from.parse().map_err(|e| {
            format!(
                "`mail_from` ({}) is not an address: {e}",
                settings.mail_from
            )
        })?;
        let Some(host) = settings
            .smtp_host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        else {
            return Ok(Self::Files {
                dir: settings.data_dir.join("mail"),
                from,
            });
        };
        let builder = match settings.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("cannot set up STARTTLS to {host}: {e}"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| format!("cannot set up TLS to {host}: {e}"))?,
        };
        let mut builder =
            builder
                .port(settings.smtp_port)
                .timeout(Some(std::time::Duration::from_secs(
                    settings.smtp_timeout_secs,
                )));
        if let (Some(user), Some(password)) = (&settings.smtp_username, &settings.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self::Smtp {
            transport: builder.build(),
            from,
        })
    }

    /// What start-up says about where mail goes.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { .. } => "SMTP".to_string(),
            Self::Files { dir, .. } => format!("files under {}", dir.display()),
        }
    }

    /// Whether the mail server answers (always true for files).
    pub async fn reachable(&self) -> Result<(), String> {
        match self {
            Self::Smtp { transport, .. } => match transport.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("the SMTP server did not answer NOOP".into()),
                Err(e) => Err(e.to_string()),
            },
            Self::Files { dir, .. } => std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display())),
        }
    }

    /// Sends `outgoing`: returns only once the server has accepted it (or the file is written).
    pub async fn deliver(&self, outgoing: &Outgoing<'_>) -> Result<(), DeliveryError> {
        let from = match self {
            Self::Smtp { from, .. } | Self::Files { from, .. } => from.clone(),
        };
        let message = build(from, outgoing)?;
        match self {
            Self::Smtp { transport, .. } => match transport.send(message).await {
                Ok(_) => Ok(()),
                Err(e) => Err(DeliveryError {
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                }),
            },
            Self::Files { dir, .. } => {
                let temporary = |message: String| DeliveryError {
                    permanent: false,
                    message,
                };
                let (dir, stem) = (dir.clone(), outgoing.file_stem.to_owned());
                let bytes = message.formatted();
                // One trip to the blocking pool for the whole file, not one per step: the sender
                // writes 16 at once (measured with `articula bench http`, the three trips of
                // each mail were much of what the sender spent).
                tokio::task::spawn_blocking(move || write_whole(&dir, &stem, &bytes))
                    .await
                    .map_err(|e| temporary(e.to_string()))?
                    .map_err(|e| temporary(e.to_string()))
            }
        }
    }
}

/// Writes `bytes` as `<stem>.eml` in `dir`, aside and then renamed, so that a file in the folder
/// is always a whole message; the folder is made if it is missing.
fn write_whole(dir: &Path, stem: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(format!("{stem}.eml"));
    let partial = dir.join(format!(".{stem}.eml.partial"));
    match std::fs::write(&partial, bytes) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            std::fs::write(&partial, bytes)?;
        }
        written => written?,
    }
    std::fs::rename(&partial, &path)
}

fn build(from: Mailbox, outgoing: &Outgoing<'_>) -> Result<Message, DeliveryError> {
    let to: Mailbox = outgoing.to.parse().map_err(|e| DeliveryError {
        permanent: true,
        message: format!("the recipient's address cannot be used: {e}"),
    })?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(outgoing.subject)
        .message_id(Some(format!("<{}>", outgoing.message_id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(outgoing.text.to_string()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(outgoing.html.to_string()),
                ),
        )
        .map_err(|e| DeliveryError {
            permanent: true,
            message: format!("the message cannot be built: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_its_folder_made_when_missing() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("mail").join("deeper");
        write_whole(&dir, "n1", b"first").unwrap();
        write_whole(&dir, "n2", b"second").unwrap();
        assert_eq!(std::fs::read(dir.join("n1.eml")).unwrap(), b"first");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["n1.eml", "n2.eml"], "nothing partial is left");
    }
}
