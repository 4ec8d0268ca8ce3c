//! Registering an initiative in the browser: the form in every language is clean and accessible;
//! a form with mistakes comes back with what was typed and each error beside its field; the
//! governance total is added up as one types; a click on the small map sets the coordinates; the
//! registered initiative waits for review on the dashboard, and once a moderator approves it, it
//! is on the public map.

use domain::actor::Role;
use e2e::{spawn_app, test_settings, PASSWORD};
use serde_json::Value;
use store::testing::TestPostgres;

use fantoccini::key::Key;

use crate::browser::{click, fill, goto, text_of, value_of, wait_path};
use crate::browser::{Browser, Driver};
use crate::pages::check;
use crate::SETTLE;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_registers_an_initiative_that_a_moderator_approves() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let member = app.sign_up("Dora").await;
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;
    let origin = format!("{}/", app.address);

    goto(&browser, &app, "/initiatives/new?lang=en").await;
    wait_path(&browser, "/sign-in").await;
    fill(&browser, "#email", &member.email).await;
    fill(&browser, "#password", PASSWORD).await;
    click(&browser, "form.form button[type=submit]").await;
    wait_path(&browser, "/initiatives/new").await;

    for language in ["es", "pt", "en"] {
        goto(&browser, &app, &format!("/initiatives/new?lang={language}")).await;
        browser
            .wait_for(
                "return !document.getElementById('location-picker').hidden",
                "the map picker",
                SETTLE,
            )
            .await;
        check(&browser, &origin, "register", language, 200).await;
    }
    goto(&browser, &app, "/dashboard?lang=en").await;
    check(&browser, &origin, "dashboard-empty", "en", 200).await;

    // Mistakes: each named beside its field, what was typed kept.
    goto(&browser, &app, "/initiatives/new?lang=en").await;
    fill(&browser, "#name", "Clúster Lácteo de Osorno").await;
    fill(&browser, "#lat", "-140.5").await;
    fill(&browser, "#private", "60").await;
    fill(&browser, "#public", "30").await;
    fill(
        &browser,
        "#facilitating_organization",
        "Corporación de Desarrollo de Osorno",
    )
    .await;
    let total = text_of(&browser, "#governance-total").await;
    assert!(
        total.contains("90") && total.contains("must add up"),
        "{total}"
    );
    click(&browser, "form.form--wide > button[type=submit]").await;
    browser
        .wait_for(
            "return !!document.getElementById('form-errors')",
            "the errors",
            SETTLE,
        )
        .await;
    for field in ["lat", "kind", "country", "region", "sectors", "governance"] {
        let error = text_of(&browser, &format!("#{field}-error")).await;
        assert!(!error.is_empty(), "an error beside {field}");
    }
    assert!(text_of(&browser, "#lat-error").await.contains("-90 to 90"));
    assert_eq!(
        value_of(&browser, "#name").await,
        "Clúster Lácteo de Osorno"
    );
    assert_eq!(value_of(&browser, "#private").await, "60");
    check(&browser, &origin, "register-errors", "en", 400).await;

    // Put right: the map sets the coordinates, the total reaches 100.
    browser
        .wait_for(
            "return !document.getElementById('location-picker').hidden",
            "the map picker",
            SETTLE,
        )
        .await;
    click(&browser, "#location-map").await;
    let lat = value_of(&browser, "#lat").await;
    assert!(
        lat.parse::<f64>()
            .is_ok_and(|l| (-90.0..=90.0).contains(&l)),
        "{lat}"
    );
    fill(&browser, "#lat", "-40.5739").await;
    fill(&browser, "#lon", "-73.1335").await;
    browser
        .eval("document.getElementById('kind').value = 'cluster_initiative'; return true")
        .await;
    browser
        .eval("document.getElementById('maturity_stage').value = 'consolidation'; return true")
        .await;
    browser
        .eval("document.getElementById('country').value = 'CL'; return true")
        .await;
    fill(&browser, "#region", "Los Lagos").await;
    fill(&browser, "#founding_year", "2012").await;
    fill(&browser, "#number_of_firms", "120").await;
    click(&browser, "#sectors-agri_food_fishing").await;
    click(&browser, "#sectors-logistics").await;
    fill(
        &browser,
        "#facilitating_organization",
        "Corporación de Desarrollo de Osorno",
    )
    .await;
    fill(&browser, "#academia", "10").await;
    let total = text_of(&browser, "#governance-total").await;
    assert!(
        total.contains("100") && total.contains("adds up"),
        "{total}"
    );
    click(&browser, "form.form--wide > button[type=submit]").await;
    wait_path(&browser, "/dashboard").await;
    assert!(text_of(&browser, ".my-initiatives")
        .await
        .contains("Waiting for review"));
    check(&browser, &origin, "dashboard", "en", 200).await;

    // A moderator approves it (four eyes: not its manager); it is then on the public map.
    let moderator = app.person_with("Moderator", Role::Moderator).await;
    let token = app.sign_in(&moderator).await;
    let map: Value = app.get("/v1/map?q=osorno").await.json().await.unwrap();
    assert_eq!(
        map["features"].as_array().unwrap().len(),
        0,
        "not public before review"
    );
    let href = browser
        .eval("return document.querySelector('.my-initiatives a').getAttribute('href')")
        .await;
    let id = href
        .as_str()
        .unwrap()
        .split('/')
        .nth(2)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let approved = app
        .request(
            reqwest::Method::POST,
            &format!("/v1/initiatives/{id}/approval"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(approved.status(), 200);
    let map: Value = app.get("/v1/map?q=osorno").await.json().await.unwrap();
    assert_eq!(map["features"].as_array().unwrap().len(), 1);
    goto(&browser, &app, "/dashboard?lang=en").await;
    assert!(text_of(&browser, ".my-initiatives")
        .await
        .contains("Approved"));

    register_with_the_keyboard_only(&browser, &app).await;
    browser.client.close().await.unwrap();
}

/// Presses Tab until the focused element is the one `is_it` (a script's condition on `e`, the
/// focused element) describes.
async fn tab_to(browser: &Browser, is_it: &str) {
    let test = format!("const e = document.activeElement; return !!(e && ({is_it}))");
    for _ in 0..80 {
        if browser.eval(&test).await == true {
            return;
        }
        keys(browser, &char::from(Key::Tab).to_string()).await;
    }
    panic!("Tab never reached the element where {is_it}");
}

/// Types `text` into whatever has the focus.
async fn keys(browser: &Browser, text: &str) {
    let focused = browser.client.active_element().await.unwrap();
    focused.send_keys(text).await.unwrap();
}

/// The whole form with the keyboard alone: Tab from the top of the page, typing into fields,
/// choosing options by typing their first letters, Space for checkboxes, Enter to send.
async fn register_with_the_keyboard_only(browser: &Browser, app: &e2e::TestApp) {
    goto(browser, app, "/initiatives/new?lang=en").await;
    let by_id = |id: &str| format!("e.id === '{id}'");
    let fields = [
        ("name", "Red de Proveedores del Biobío"),
        ("kind", "Business"),
        ("maturity_stage", "Launch"),
        ("founding_year", "2019"),
        ("number_of_firms", "35"),
        ("country", "Chile"),
        ("region", "Biobío"),
        ("lat", "-36.8270"),
        ("lon", "-73.0498"),
    ];
    for (id, text) in fields {
        tab_to(browser, &by_id(id)).await;
        keys(browser, text).await;
    }
    for id in [
        "sectors-manufacturing",
        "strategic_focus-productive_linkages",
    ] {
        tab_to(browser, &by_id(id)).await;
        keys(browser, " ").await;
    }
    for (id, text) in [
        (
            "facilitating_organization",
            "Cámara de la Producción del Biobío",
        ),
        ("private", "80"),
        ("public", "20"),
    ] {
        tab_to(browser, &by_id(id)).await;
        keys(browser, text).await;
    }
    tab_to(
        browser,
        "e.type === 'submit' && e.closest('form.form--wide')",
    )
    .await;
    keys(browser, &char::from(Key::Enter).to_string()).await;
    wait_path(browser, "/dashboard").await;
    let mine = text_of(browser, ".my-initiatives").await;
    assert!(mine.contains("Red de Proveedores del Biobío"), "{mine}");
}
