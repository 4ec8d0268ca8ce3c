//! A member's account in the browser: signing up (with a form that keeps what was typed and
//! names each error), confirming the address from the mailed link, signing in, the account page
//! (language, mail, password), signing out; an account made by `articula admin create`
//! activated from its link. Every page in every language is checked as the public ones are.

use domain::values::{DisplayName, EmailAddress};
use e2e::{spawn_app, test_settings, PASSWORD};
use serde_json::Value;
use store::testing::TestPostgres;

use crate::browser::{click, fill, goto, text_of, value_of, wait_path, Driver, LANGUAGES};
use crate::pages::check;
use crate::SETTLE;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_signs_up_confirms_signs_in_and_keeps_the_account_in_the_browser() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;
    let origin = format!("{}/", app.address);

    for language in LANGUAGES {
        for page in ["sign-in", "sign-up", "confirm", "activate"] {
            goto(&browser, &app, &format!("/{page}?lang={language}")).await;
            check(&browser, &origin, page, language, 200).await;
        }
    }

    // A sign-up with mistakes: each is named beside its field, and what was typed stays.
    goto(&browser, &app, "/sign-up?lang=en").await;
    fill(&browser, "#display_name", "Carla Pérez").await;
    fill(&browser, "#email", "carla-at-example.org").await;
    fill(&browser, "#password", "short").await;
    click(&browser, "form.form button[type=submit]").await;
    browser
        .wait_for(
            "return !!document.getElementById('form-errors')",
            "the errors",
            SETTLE,
        )
        .await;
    assert!(text_of(&browser, "#email-error")
        .await
        .contains("email address"));
    assert!(text_of(&browser, "#password-error")
        .await
        .contains("12 to 128"));
    assert_eq!(value_of(&browser, "#display_name").await, "Carla Pérez");
    assert_eq!(value_of(&browser, "#email").await, "carla-at-example.org");
    assert_eq!(
        value_of(&browser, "#password").await,
        "",
        "a password is never sent back"
    );
    let invalid = browser
        .eval("return document.getElementById('email').getAttribute('aria-invalid')")
        .await;
    assert_eq!(invalid, "true");
    check(&browser, &origin, "sign-up-errors", "en", 400).await;

    let email = format!("carla.{}@example.org", uuid::Uuid::new_v4().simple());
    fill(&browser, "#email", &email).await;
    fill(&browser, "#password", PASSWORD).await;
    click(&browser, "form.form button[type=submit]").await;
    browser
        .wait_for(
            "return document.querySelector('h1').textContent.includes('Check your mail')",
            "the notice",
            SETTLE,
        )
        .await;

    // The mailed link opens the confirmation page, which asks for the password chosen.
    let (id, secret) = app.confirmation_mail(&email).await;
    goto(
        &browser,
        &app,
        &format!("/confirm?account={id}&secret={secret}&lang=en"),
    )
    .await;
    fill(&browser, "#password", PASSWORD).await;
    click(&browser, "form.form button[type=submit]").await;
    wait_path(&browser, "/sign-in").await;
    assert!(text_of(&browser, ".notice").await.contains("confirmed"));

    fill(&browser, "#email", &email).await;
    fill(&browser, "#password", PASSWORD).await;
    click(&browser, "form.form button[type=submit]").await;
    wait_path(&browser, "/dashboard").await;
    goto(&browser, &app, "/account?lang=en").await;
    assert!(text_of(&browser, "main").await.contains(&email));
    for language in LANGUAGES {
        goto(&browser, &app, &format!("/account?lang={language}")).await;
        check(&browser, &origin, "account", language, 200).await;
    }

    // The language of the profile becomes the interface's.
    goto(&browser, &app, "/account?lang=en").await;
    browser
        .eval("document.getElementById('language').value = 'pt'; return true")
        .await;
    click(&browser, "form[action='/account/profile'] button").await;
    browser
        .wait_for(
            "return document.documentElement.lang === 'pt'",
            "the page in Portuguese",
            SETTLE,
        )
        .await;
    goto(&browser, &app, "/account").await;
    assert_eq!(
        browser.eval("return document.documentElement.lang").await,
        "pt",
        "kept by the cookie"
    );

    // Mail preferences: a kind turned off is what the API reads too.
    click(&browser, "#receive-decision").await;
    click(&browser, "form[action='/account/notifications'] button").await;
    browser
        .wait_for(
            "return location.search.includes('done=notifications')",
            "saved",
            SETTLE,
        )
        .await;
    let token = app.token_for(id).await;
    let muted: Value = app
        .request(
            reqwest::Method::GET,
            "/v1/me/notification-preferences",
            Some(&token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(muted["muted"], serde_json::json!(["decision"]));

    // A wrong current password is named beside its field.
    goto(&browser, &app, "/account?lang=en").await;
    fill(&browser, "#current_password", "not my password at all").await;
    fill(&browser, "#new_password", "another long passphrase here").await;
    click(&browser, "form[action='/account/password'] button").await;
    browser
        .wait_for(
            "return !!document.getElementById('current_password-error')",
            "the error",
            SETTLE,
        )
        .await;
    check(&browser, &origin, "account-password-error", "en", 403).await;

    // Signing out from the header; the account page then asks to sign in.
    click(&browser, "form[action='/sign-out'] button").await;
    wait_path(&browser, "/sign-in").await;
    goto(&browser, &app, "/account").await;
    wait_path(&browser, "/sign-in").await;

    // An account made by `articula admin create` is activated from its link.
    let admin_email = format!("admin.{}@example.org", uuid::Uuid::new_v4().simple());
    let invitation = app
        .state
        .accounts
        .invite_admin(
            &EmailAddress::new(&admin_email).unwrap(),
            &DisplayName::new("Admin").unwrap(),
            "test",
        )
        .await
        .unwrap();
    let link = format!(
        "/activate?account={}&secret={}&lang=en",
        invitation.account,
        invitation.secret.expose()
    );
    goto(&browser, &app, &link).await;
    fill(&browser, "#password", PASSWORD).await;
    click(&browser, "form.form button[type=submit]").await;
    wait_path(&browser, "/sign-in").await;
    assert!(text_of(&browser, ".notice").await.contains("active"));
    fill(&browser, "#email", &admin_email).await;
    fill(&browser, "#password", PASSWORD).await;
    click(&browser, "form.form button[type=submit]").await;
    wait_path(&browser, "/dashboard").await;
    goto(&browser, &app, "/account").await;
    assert!(text_of(&browser, "main").await.contains(&admin_email));
    browser.client.close().await.unwrap();
}
