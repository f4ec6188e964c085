"""The integrity check screen in the real window: a healthy catalog says so, and after a
photo's original is deleted behind the app's back a deep check names the photo and where it
was missing from, in words."""

import time


def open_integrity_check(app):
    app.open_screen("Integrity check")
    return app.testid("run-check")


def test_the_integrity_check_names_a_missing_photo(app):
    app.add_product("CHK-1", "Checked mug")
    app.shelf("import", "--product", "CHK-1", app.photo("CHK-1.jpg", "darkkhaki"))
    originals = list((app.library / "originals").glob("*/*.jpg"))
    assert len(originals) == 1, originals
    app.launch()
    app.wait_card("CHK-1")

    run = open_integrity_check(app)
    run.click()
    clean = app.testid("check-clean")
    assert clean.text == "No problems found."
    app.shot("healthy")

    originals[0].unlink()
    app.js("document.querySelector('.controls input[type=checkbox]').click()")
    run.click()
    findings = app.testid("check-findings")
    text = findings.text
    assert "original missing" in text and "CHK-1.jpg (of Checked mug (CHK-1))" in text, text
    assert "is missing from the library folder" in text, text
    assert len(app.testids("check-clean")) == 0
    app.shot("missing-photo-named")


def test_the_window_cannot_be_navigated_away_from_the_app(app):
    """A link, a script or a form can't take the window to another site (navigation guard,
    CSP form-action 'none')."""
    app.launch()
    start = app.js("return location.href")
    app.js("location.href = 'https://shop.invalid/login'")
    app.js("const f = document.createElement('form'); f.action = 'https://shop.invalid/steal'; f.method = 'post'; document.body.appendChild(f); f.submit();")
    time.sleep(1.5)
    assert app.js("return location.href") == start, app.js("return location.href")
    assert app.testids("new-product"), "the app is still shown"
