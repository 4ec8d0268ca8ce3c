//! What each notification says, in Spanish, Portuguese and English (the recipient's language;
//! every `Language` has its text, so there is no gap to fall back from), as plain text and HTML.
//! Links are built from the configured public base URL. Titles and reasons come from users, so
//! the HTML part escapes them.

use domain::values::Language;

/// What a submission or decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Initiative,
    ProfileChange,
    JointProject,
    Publication,
}

/// One of the submissions a [`Notice::ToReviewMany`] lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub item: Item,
    pub title: String,
    /// Where it is reviewed (absolute).
    pub link: String,
}

/// One notification's content, before it is put in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// To moderators: something new awaits review.
    ToReview { item: Item, title: String },
    /// To a moderator: several submissions await review, told in one mail (`digest.rs`).
    ToReviewMany { submissions: Vec<Submission> },
    /// To authors: their submission was approved.
    Approved { item: Item, title: String },
    /// To authors: their submission was rejected, and why.
    Rejected {
        item: Item,
        title: String,
        reason: String,
    },
    /// To the managers of an invited initiative.
    Invited { project: String },
    /// To the lead initiative's managers: a partner accepted.
    PartnerAccepted { project: String, initiative: String },
    /// To the lead initiative's managers: a partner declined (perhaps with a reason).
    PartnerDeclined {
        project: String,
        initiative: String,
        reason: Option<String>,
    },
    /// To the lead initiative's managers: an initiative answered the call for partners.
    InterestExpressed { project: String, initiative: String },
    /// To a community's facilitators.
    JoinRequested { community: String },
    /// To the person whose request to join was accepted.
    JoinAccepted { community: String },
}

/// A notification in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn item_name(item: Item, language: Language) -> &'static str {
    use Item::*;
    use Language::*;
    match (item, language) {
        (Initiative, Es) => "la iniciativa",
        (Initiative, Pt) => "a iniciativa",
        (Initiative, En) => "the initiative",
        (ProfileChange, Es) => "el cambio de perfil de",
        (ProfileChange, Pt) => "a alteração de perfil de",
        (ProfileChange, En) => "the profile change of",
        (JointProject, Es) => "el proyecto conjunto",
        (JointProject, Pt) => "o projeto conjunto",
        (JointProject, En) => "the joint project",
        (Publication, Es) => "la publicación",
        (Publication, Pt) => "a publicação",
        (Publication, En) => "the publication",
    }
}

/// `title` between the quotation marks of `language`.
fn quoted(title: &str, language: Language) -> String {
    match language {
        Language::Es | Language::Pt => format!("«{title}»"),
        Language::En => format!("“{title}”"),
    }
}

/// The notice in `language`, linking to `link` (already absolute).
pub fn render(notice: &Notice, language: Language, link: &str) -> Rendered {
    use Language::*;
    // What a notice lists, each with a link of its own: a line of the text, an item of the HTML.
    let listed: Vec<(String, &str)> = match notice {
        Notice::ToReviewMany { submissions } => submissions
            .iter()
            .map(|s| {
                let what = item_name(s.item, language);
                (
                    format!("{what} {}", quoted(&s.title, language)),
                    s.link.as_str(),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let (subject, lines): (String, Vec<String>) = match notice {
        Notice::ToReview { item, title } => {
            let what = item_name(*item, language);
            let subject = match language {
                Es => format!("Para revisar: {what} «{title}»"),
                Pt => format!("Para rever: {what} «{title}»"),
                En => format!("To review: {what} “{title}”"),
            };
            let line = match language {
                Es => format!("Hay {what} «{title}» esperando su revisión."),
                Pt => format!("Há {what} «{title}» à espera da sua revisão."),
                En => format!("There is {what} “{title}” waiting for your review."),
            };
            (subject, vec![line])
        }
        Notice::ToReviewMany { submissions } => {
            let count = submissions.len();
            let subject = match language {
                Es => format!("Para revisar: {count} envíos"),
                Pt => format!("Para rever: {count} submissões"),
                En => format!("To review: {count} submissions"),
            };
            let line = match language {
                Es => format!("Hay {count} envíos esperando su revisión:"),
                Pt => format!("Há {count} submissões à espera da sua revisão:"),
                En => format!("{count} submissions are waiting for your review:"),
            };
            (subject, vec![line])
        }
        Notice::Approved { item, title } => {
            let what = item_name(*item, language);
            let subject = match language {
                Es => format!("Aprobado: {what} «{title}»"),
                Pt => format!("Aprovado: {what} «{title}»"),
                En => format!("Approved: {what} “{title}”"),
            };
            let line = match language {
                Es => format!("La moderación aprobó {what} «{title}»."),
                Pt => format!("A moderação aprovou {what} «{title}»."),
                En => format!("The moderators approved {what} “{title}”."),
            };
            (subject, vec![line])
        }
        Notice::Rejected {
            item,
            title,
            reason,
        } => {
            let what = item_name(*item, language);
            let subject = match language {
                Es => format!("No aprobado: {what} «{title}»"),
                Pt => format!("Não aprovado: {what} «{title}»"),
                En => format!("Not approved: {what} “{title}”"),
            };
            let line = match language {
                Es => format!("La moderación no aprobó {what} «{title}». Motivo: {reason}"),
                Pt => format!("A moderação não aprovou {what} «{title}». Motivo: {reason}"),
                En => format!("The moderators did not approve {what} “{title}”. Reason: {reason}"),
            };
            (subject, vec![line])
        }
        Notice::Invited { project } => {
            let subject = match language {
                Es => format!("Invitación al proyecto conjunto «{project}»"),
                Pt => format!("Convite para o projeto conjunto «{project}»"),
                En => format!("Invitation to the joint project “{project}”"),
            };
            let line = match language {
                Es => format!("Su iniciativa fue invitada al proyecto conjunto «{project}»."),
                Pt => {
                    format!("A sua iniciativa foi convidada para o projeto conjunto «{project}».")
                }
                En => format!("Your initiative was invited to the joint project “{project}”."),
            };
            (subject, vec![line])
        }
        Notice::PartnerAccepted {
            project,
            initiative,
        } => {
            let subject = match language {
                Es => format!("«{initiative}» aceptó unirse a «{project}»"),
                Pt => format!("«{initiative}» aceitou juntar-se a «{project}»"),
                En => format!("“{initiative}” accepted to join “{project}”"),
            };
            (subject.clone(), vec![subject])
        }
        Notice::PartnerDeclined {
            project,
            initiative,
            reason,
        } => {
            let subject = match language {
                Es => format!("«{initiative}» rechazó unirse a «{project}»"),
                Pt => format!("«{initiative}» recusou juntar-se a «{project}»"),
                En => format!("“{initiative}” declined to join “{project}”"),
            };
            let mut lines = vec![subject.clone()];
            if let Some(reason) = reason {
                lines.push(match language {
                    Es | Pt => format!("Motivo: {reason}"),
                    En => format!("Reason: {reason}"),
                });
            }
            (subject, lines)
        }
        Notice::InterestExpressed {
            project,
            initiative,
        } => {
            let subject = match language {
                Es => format!("«{initiative}» quiere participar en «{project}»"),
                Pt => format!("«{initiative}» quer participar em «{project}»"),
                En => format!("“{initiative}” is interested in “{project}”"),
            };
            (subject.clone(), vec![subject])
        }
        Notice::JoinRequested { community } => {
            let subject = match language {
                Es => format!("Nueva solicitud para unirse a «{community}»"),
                Pt => format!("Novo pedido para entrar em «{community}»"),
                En => format!("New request to join “{community}”"),
            };
            (subject.clone(), vec![subject])
        }
        Notice::JoinAccepted { community } => {
            let subject = match language {
                Es => format!("Bienvenida a «{community}»"),
                Pt => format!("Bem-vindo/a a «{community}»"),
                En => format!("Welcome to “{community}”"),
            };
            let line = match language {
                Es => format!("Su solicitud para unirse a «{community}» fue aceptada."),
                Pt => format!("O seu pedido para entrar em «{community}» foi aceite."),
                En => format!("Your request to join “{community}” was accepted."),
            };
            (subject, vec![line])
        }
    };
    let open = match language {
        Es => "Ver en Articula",
        Pt => "Ver no Articula",
        En => "View in Articula",
    };
    let footer = match language {
        Es => "Puede desactivar este tipo de aviso en sus preferencias.",
        Pt => "Pode desativar este tipo de aviso nas suas preferências.",
        En => "You can turn this kind of notice off in your preferences.",
    };
    let mut text = lines.join("\n");
    for (label, link) in &listed {
        text.push_str(&format!("\n- {label}: {link}"));
    }
    let text = format!("{text}\n\n{open}: {link}\n\n--\n{footer}\n");
    let mut paragraphs: String = lines
        .iter()
        .map(|line| format!("<p>{}</p>", escape(line)))
        .collect();
    if !listed.is_empty() {
        let items: String = listed
            .iter()
            .map(|(label, link)| {
                format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape(link),
                    escape(label)
                )
            })
            .collect();
        paragraphs.push_str(&format!("<ul>{items}</ul>"));
    }
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body>{paragraphs}<p><a href=\"{href}\">{open}</a></p><hr><p><small>{footer}\
         </small></p></body></html>",
        lang = language.code(),
        title = escape(&subject),
        href = escape(link),
    );
    Rendered {
        subject,
        text,
        html,
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://articula.example/initiatives/1";

    fn rejected() -> Notice {
        Notice::Rejected {
            item: Item::Initiative,
            title: "Huerta <Sur>".into(),
            reason: "falta la dirección".into(),
        }
    }

    #[test]
    fn each_language_has_its_own_words_and_the_link() {
        let es = render(&rejected(), Language::Es, LINK);
        let pt = render(&rejected(), Language::Pt, LINK);
        let en = render(&rejected(), Language::En, LINK);
        assert!(
            es.subject.starts_with("No aprobado: la iniciativa"),
            "{}",
            es.subject
        );
        assert!(
            pt.subject.starts_with("Não aprovado: a iniciativa"),
            "{}",
            pt.subject
        );
        assert!(
            en.subject.starts_with("Not approved: the initiative"),
            "{}",
            en.subject
        );
        for rendered in [&es, &pt, &en] {
            assert!(rendered.text.contains("falta la dirección"));
            assert!(rendered.text.contains(LINK));
            assert!(rendered.html.contains(LINK));
        }
        assert!(en.text.contains("Reason: falta la dirección"));
        assert!(es.html.contains("lang=\"es\""));
    }

    #[test]
    fn html_escapes_what_users_wrote_and_text_keeps_it() {
        let en = render(&rejected(), Language::En, LINK);
        assert!(en.html.contains("Huerta &lt;Sur&gt;"), "{}", en.html);
        assert!(!en.html.contains("<Sur>"));
        assert!(en.text.contains("Huerta <Sur>"));
    }

    #[test]
    fn every_notice_renders_a_subject_in_every_language() {
        let notices = [
            Notice::ToReview {
                item: Item::Publication,
                title: "T".into(),
            },
            Notice::ToReviewMany {
                submissions: vec![Submission {
                    item: Item::Initiative,
                    title: "T".into(),
                    link: LINK.into(),
                }],
            },
            Notice::Approved {
                item: Item::JointProject,
                title: "T".into(),
            },
            rejected(),
            Notice::Invited {
                project: "P".into(),
            },
            Notice::PartnerAccepted {
                project: "P".into(),
                initiative: "I".into(),
            },
            Notice::PartnerDeclined {
                project: "P".into(),
                initiative: "I".into(),
                reason: Some("no time".into()),
            },
            Notice::InterestExpressed {
                project: "P".into(),
                initiative: "I".into(),
            },
            Notice::JoinRequested {
                community: "C".into(),
            },
            Notice::JoinAccepted {
                community: "C".into(),
            },
        ];
        for notice in &notices {
            let subjects: Vec<String> = Language::ALL
                .iter()
                .map(|l| render(notice, *l, LINK).subject)
                .collect();
            assert!(subjects.iter().all(|s| !s.is_empty()));
            // Spanish and English always differ; a notice left untranslated would not.
            assert_ne!(subjects[0], subjects[2], "{notice:?}");
        }
    }

    #[test]
    fn a_digest_lists_each_submission_with_its_own_link() {
        let submissions = vec![
            Submission {
                item: Item::Initiative,
                title: "Huerta <Sur>".into(),
                link: "https://articula.example/initiatives/1".into(),
            },
            Submission {
                item: Item::ProfileChange,
                title: "Red Norte".into(),
                link: "https://articula.example/initiatives/2".into(),
            },
        ];
        let notice = Notice::ToReviewMany { submissions };
        let queue = "https://articula.example/moderation";
        let en = render(&notice, Language::En, queue);
        assert_eq!(en.subject, "To review: 2 submissions");
        assert!(
            en.text.contains(
                "- the initiative “Huerta <Sur>”: https://articula.example/initiatives/1\n\
                 - the profile change of “Red Norte”: https://articula.example/initiatives/2"
            ),
            "{}",
            en.text
        );
        assert!(en.text.contains(&format!("View in Articula: {queue}")));
        assert!(
            en.html.contains(
                "<li><a href=\"https://articula.example/initiatives/1\">the initiative \
                 “Huerta &lt;Sur&gt;”</a></li>"
            ),
            "{}",
            en.html
        );
        let es = render(&notice, Language::Es, queue);
        assert_eq!(es.subject, "Para revisar: 2 envíos");
        assert!(
            es.text.contains("- la iniciativa «Huerta <Sur>»"),
            "{}",
            es.text
        );
        let pt = render(&notice, Language::Pt, queue);
        assert!(
            pt.text.contains("- a alteração de perfil de «Red Norte»"),
            "{}",
            pt.text
        );
    }
}
