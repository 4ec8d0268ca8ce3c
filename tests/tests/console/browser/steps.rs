//! Steps the browser tests share: finding, filling and clicking elements, waiting for a page,
//! signing up (with the mailed confirmation), in and out, registering an initiative, and
//! checking a page in every language.

use e2e::{Person, TestApp, PASSWORD};
use fantoccini::Locator;

use super::Browser;
use crate::pages::check;
use crate::SETTLE;

/// The console's languages, in the order the tests visit them.
pub(crate) const LANGUAGES: [&str; 3] = ["es", "pt", "en"];

pub(crate) async fn fill(browser: &Browser, css: &str, text: &str) {
    let field = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub(crate) async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

pub(crate) async fn text_of(browser: &Browser, css: &str) -> String {
    let script =
        format!("const e = document.querySelector({css:?}); return e ? e.textContent : ''");
    browser
        .eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub(crate) async fn value_of(browser: &Browser, css: &str) -> String {
    let script = format!("return document.querySelector({css:?}).value");
    browser
        .eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Sets the value of the element with id `id` (a select) by script.
pub(crate) async fn choose(browser: &Browser, id: &str, value: &str) {
    browser
        .eval(&format!(
            "document.getElementById({id:?}).value = {value:?}; return true"
        ))
        .await;
}

pub(crate) async fn wait_path(browser: &Browser, path: &str) {
    let script = format!("return location.pathname === {path:?}");
    browser
        .wait_for(&script, &format!("the page {path}"), SETTLE)
        .await;
}

/// Waits until the page's path ends with `suffix`.
pub(crate) async fn wait_path_ending(browser: &Browser, suffix: &str) {
    let script = format!("return location.pathname.endsWith({suffix:?})");
    browser
        .wait_for(&script, &format!("a page ending {suffix}"), SETTLE)
        .await;
}

/// Waits until the element `css` holds `text`.
pub(crate) async fn wait_text(browser: &Browser, css: &str, text: &str) {
    let script = format!(
        "const e = document.querySelector({css:?}); return !!e && e.textContent.includes({text:?})"
    );
    browser
        .wait_for(&script, &format!("{text:?} in {css}"), SETTLE)
        .await;
}

/// Waits for the page's notice to say `text` (a form posted to the page it came from: the path
/// alone does not tell the new page from the old one).
pub(crate) async fn wait_notice(browser: &Browser, text: &str) {
    wait_text(browser, ".notice", text).await;
}

pub(crate) async fn goto(browser: &Browser, app: &TestApp, path: &str) {
    browser
        .client
        .goto(&format!("{}{path}", app.address))
        .await
        .expect("the page opens");
}

/// The path of the current page.
pub(crate) async fn path_now(browser: &Browser) -> String {
    let path = browser.eval("return location.pathname").await;
    path.as_str().unwrap_or_default().to_owned()
}

/// Signs `person` in through the sign-in page, which then opens the dashboard.
pub(crate) async fn sign_in(browser: &Browser, app: &TestApp, person: &Person) {
    goto(browser, app, "/sign-in?lang=en").await;
    fill(browser, "#email", &person.email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_path(browser, "/dashboard").await;
}

/// Signs `person` in through the sign-in page, which then opens `next`; then opens it in
/// English (signing in sets the interface to the account's language, Spanish).
pub(crate) async fn sign_in_to(browser: &Browser, app: &TestApp, person: &Person, next: &str) {
    goto(browser, app, &format!("/sign-in?next={next}&lang=en")).await;
    fill(browser, "#email", &person.email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_path(browser, next).await;
    goto(browser, app, &format!("{next}?lang=en")).await;
}

pub(crate) async fn sign_out(browser: &Browser) {
    click(browser, ".account-nav button.link-button").await;
    wait_path(browser, "/sign-in").await;
}

/// Signs `name` up through the sign-up page, confirms the address from the mailed link (read
/// from the outbox, as the person reads the mail) and signs in: the browser is then on the
/// dashboard.
pub(crate) async fn sign_up(browser: &Browser, app: &TestApp, name: &str) -> Person {
    let local: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let email = format!("{local}.{}@example.org", uuid::Uuid::new_v4().simple());
    goto(browser, app, "/sign-up?lang=en").await;
    fill(browser, "#display_name", name).await;
    fill(browser, "#email", &email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_text(browser, "h1", "Check your mail").await;
    let (id, secret) = app.confirmation_mail(&email).await;
    let link = format!("/confirm?account={id}&secret={secret}&lang=en");
    goto(browser, app, &link).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_path(browser, "/sign-in").await;
    let person = Person {
        id,
        email,
        password: PASSWORD.to_owned(),
    };
    fill(browser, "#email", &person.email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_path(browser, "/dashboard").await;
    person
}

/// Registers an initiative through the form (selects and boxes set by script, the rest typed)
/// and returns its id, read from the dashboard.
pub(crate) async fn register(browser: &Browser, app: &TestApp, name: &str) -> String {
    goto(browser, app, "/initiatives/new?lang=en").await;
    fill(browser, "#name", name).await;
    for (select, value) in [
        ("kind", "cluster_initiative"),
        ("maturity_stage", "consolidation"),
        ("country", "CL"),
    ] {
        choose(browser, select, value).await;
    }
    fill(browser, "#region", "Los Lagos").await;
    fill(browser, "#lat", "-40.5739").await;
    fill(browser, "#lon", "-73.1335").await;
    fill(browser, "#founding_year", "2012").await;
    fill(browser, "#number_of_firms", "120").await;
    click(browser, "#sectors-agri_food_fishing").await;
    fill(
        browser,
        "#facilitating_organization",
        "Corporación de Osorno",
    )
    .await;
    fill(browser, "#private", "70").await;
    fill(browser, "#public", "30").await;
    click(browser, "form.form--wide > button[type=submit]").await;
    wait_path(browser, "/dashboard").await;
    let href = browser
        .eval("return document.querySelector('.my-initiatives a').getAttribute('href')")
        .await;
    href.as_str()
        .unwrap()
        .split('/')
        .nth(2)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// Checks the page at `path` in every language, keeping screenshots named `name`.
pub(crate) async fn check_everywhere(browser: &Browser, app: &TestApp, path: &str, name: &str) {
    let origin = format!("{}/", app.address);
    let join = if path.contains('?') { '&' } else { '?' };
    for language in LANGUAGES {
        goto(browser, app, &format!("{path}{join}lang={language}")).await;
        check(browser, &origin, name, language, 200).await;
    }
}
