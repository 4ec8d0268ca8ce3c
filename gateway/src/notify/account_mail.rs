//! The mail about one's own account, in the recipient's language: the link that confirms the
//! address of a new account, and the warning sent instead when someone signs up with an address
//! that already has one. Neither comes from an event (the link holds a secret the log never
//! sees), so the sign-up records them straight into the notifications table; the sender then
//! delivers them like any other. They cannot be muted: they are not notices about the platform.

use domain::values::Language;

use super::templates::{escape, Rendered};

/// The `kind` of the notification rows.
pub const CONFIRM_ADDRESS: &str = "confirm_address";
pub const ADDRESS_IN_USE: &str = "address_in_use";

/// Where a person confirms a new account: the web console's page, which asks for the password
/// chosen at sign-up and sends both to `POST /v1/accounts/confirmation`.
pub fn confirmation_link(base_url: &str, account: &str, secret: &str) -> String {
    format!("{base_url}/confirm?account={account}&secret={secret}")
}

/// The mail that carries the confirmation link and, for API clients, the account and secret.
pub fn confirm_address(
    language: Language,
    link: &str,
    account: &str,
    secret: &str,
    hours: u32,
) -> Rendered {
    use Language::*;
    let subject = match language {
        Es => "Confirme su dirección de correo en Articula",
        Pt => "Confirme o seu endereço de e-mail no Articula",
        En => "Confirm your email address on Articula",
    }
    .to_string();
    let lines = match language {
        Es => vec![
            "Alguien (esperamos que usted) creó una cuenta en Articula con esta dirección."
                .to_string(),
            format!(
                "Para activarla, abra este enlace dentro de {hours} horas e ingrese la \
                 contraseña que eligió:"
            ),
        ],
        Pt => vec![
            "Alguém (esperamos que você) criou uma conta no Articula com este endereço."
                .to_string(),
            format!(
                "Para ativá-la, abra este link dentro de {hours} horas e digite a senha que \
                 escolheu:"
            ),
        ],
        En => vec![
            "Someone (we hope you) created an Articula account with this address.".to_string(),
            format!(
                "To activate it, open this link within {hours} hours and enter the password \
                 you chose:"
            ),
        ],
    };
    let api = format!("account_id: {account}\nsecret: {secret}");
    let ignore = match language {
        Es => "Si no fue usted, ignore este mensaje: la cuenta no se activará.",
        Pt => "Se não foi você, ignore esta mensagem: a conta não será ativada.",
        En => "If it was not you, ignore this message: the account will not be activated.",
    };
    compose(language, subject, &lines, link, Some(&api), ignore)
}

/// The mail sent to the holder of an address when someone signs up with it again.
pub fn address_in_use(language: Language, sign_in_link: &str) -> Rendered {
    use Language::*;
    let subject = match language {
        Es => "Alguien intentó registrarse con su dirección en Articula",
        Pt => "Alguém tentou registar-se com o seu endereço no Articula",
        En => "Someone tried to sign up with your address on Articula",
    }
    .to_string();
    let lines = match language {
        Es => vec![
            "Se pidió crear una cuenta en Articula con esta dirección, que ya tiene una."
                .to_string(),
            "Si fue usted, inicie sesión con su cuenta:".to_string(),
        ],
        Pt => vec![
            "Foi pedido criar uma conta no Articula com este endereço, que já tem uma.".to_string(),
            "Se foi você, entre com a sua conta:".to_string(),
        ],
        En => vec![
            "Someone asked to create an Articula account with this address, which already \
             has one."
                .to_string(),
            "If it was you, sign in with your account:".to_string(),
        ],
    };
    let ignore = match language {
        Es => "Si no fue usted, no necesita hacer nada: su cuenta no cambió.",
        Pt => "Se não foi você, não precisa fazer nada: a sua conta não mudou.",
        En => "If it was not you, there is nothing to do: your account did not change.",
    };
    compose(language, subject, &lines, sign_in_link, None, ignore)
}

fn compose(
    language: Language,
    subject: String,
    lines: &[String],
    link: &str,
    extra: Option<&str>,
    footer: &str,
) -> Rendered {
    let extra_text = extra.map(|e| format!("{e}\n\n")).unwrap_or_default();
    let text = format!(
        "{}\n\n{link}\n\n{extra_text}--\n{footer}\n",
        lines.join("\n")
    );
    let paragraphs: String = lines
        .iter()
        .map(|line| format!("<p>{}</p>", escape(line)))
        .collect();
    let extra_html = extra
        .map(|e| format!("<pre>{}</pre>", escape(e)))
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body>{paragraphs}<p><a href=\"{href}\">{href}</a></p>{extra_html}<hr><p><small>\
         {footer}</small></p></body></html>",
        lang = language.code(),
        title = escape(&subject),
        href = escape(link),
        footer = escape(footer),
    );
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_carries_the_link_and_the_secret_in_every_language() {
        let link = confirmation_link("https://articula.example", "acc-1", "art_s3cr3t");
        assert_eq!(
            link,
            "https://articula.example/confirm?account=acc-1&secret=art_s3cr3t"
        );
        let subjects: Vec<String> = Language::ALL
            .iter()
            .map(|language| {
                let mail = confirm_address(*language, &link, "acc-1", "art_s3cr3t", 24);
                assert!(mail.text.contains(&link));
                assert!(mail.text.contains("secret: art_s3cr3t"));
                assert!(mail.html.contains("art_s3cr3t"));
                assert!(mail.text.contains("24"));
                mail.subject
            })
            .collect();
        assert_ne!(subjects[0], subjects[2]);
    }

    #[test]
    fn the_warning_to_a_holder_holds_no_secret() {
        for language in Language::ALL {
            let mail = address_in_use(language, "https://articula.example/sign-in");
            assert!(mail.text.contains("https://articula.example/sign-in"));
            assert!(!mail.text.contains("secret"));
        }
    }
}
