"""Variants in the real window: generate a product's sizes and colours in the editor, edit a
variant in the grid (and see a refusal next to its cell), set one price for several at once,
and see the price range and total stock on the grid card."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys


def open_editor(app, sku):
    card = app.wait_card(sku)
    ActionChains(app.driver).double_click(card).perform()
    return app.testid("product-editor")


def variant_cell(app, sku, cell):
    return app.js(
        "return document.querySelector(`[data-testid=\"variant-row\"][data-sku=\"${arguments[0]}\"] [data-testid=\"variant-${arguments[1]}\"]`)",
        sku,
        cell,
    )


def test_generate_edit_and_bulk_price_variants(app):
    app.add_product("TEE", "Cotton tee", price="15.00")
    app.add_product("MUG-1", "Stoneware mug")
    app.launch()
    open_editor(app, "TEE")
    app.testid("variants-panel")
    app.fill("option-name-1", "Size")
    app.fill("option-values-1", "S, M, L")
    app.fill("option-name-2", "Colour")
    app.fill("option-values-2", "Red, Blue")
    app.shot("options-named")
    app.testid("generate-variants").click()
    app.wait_for(lambda: len(app.testids("variant-row")) == 6, "six generated variants")
    app.shot("variants-generated")
    shown = app.shelf("product", "show", "TEE")
    assert [v["sku"] for v in shown["variants"]][:2] == ["TEE-S-RED", "TEE-S-BLUE"], shown

    # A stock edit saves from its cell; a SKU another product holds is refused beside it.
    stock = variant_cell(app, "TEE-M-RED", "stock")
    stock.send_keys(Keys.CONTROL, "a")
    stock.send_keys("12", Keys.ENTER)
    app.wait_for(lambda: app.shelf("product", "show", "TEE")["stock"] == 12, "the new stock to be saved")
    sku = variant_cell(app, "TEE-L-BLUE", "sku")
    sku.send_keys(Keys.CONTROL, "a")
    sku.send_keys("mug-1", Keys.ENTER)
    message = app.wait_for(
        lambda: app.js("const e = document.querySelector('[data-testid=\"variant-error\"]'); return e && e.textContent"),
        "a refusal next to the SKU cell",
    )
    assert "already used" in message, message
    app.shot("variant-sku-refused")

    # One price for two selected variants.
    for target in ["TEE-S-RED", "TEE-S-BLUE"]:
        app.js(
            "document.querySelector(`[data-testid=\"variant-row\"][data-sku=\"${arguments[0]}\"] input[type=checkbox]`).click()",
            target,
        )
    app.testid("variant-bulk")
    app.js("const i = document.querySelector('[aria-label=\"Price for the selected variants\"]'); i.focus();")
    app.driver.switch_to.active_element.send_keys("9.50")
    app.testid("apply-variant-bulk").click()
    app.wait_for(lambda: app.shelf("product", "show", "TEE")["price_minor"] == 950, "the lowest price to follow")
    app.shot("variants-bulk-price")

    app.js("document.querySelector('[data-testid=\"product-editor\"] button.close').click()")
    card = app.wait_card("TEE")
    app.wait_for(lambda: "6 variants" in card.text, "the card to count the variants")
    app.wait_for(lambda: "9.50" in card.text and "15.00" in card.text, "the card to show the price range")
    app.shot("grid-price-range")


def test_variant_photo_and_a_stale_variant_edit(app):
    app.add_product("CAP", "Wool cap", price="20.00")
    app.shelf("variant", "generate", "CAP", "--option", "Colour=Grey,Navy", "--price", "20.00", "--stock", "3")
    grey = app.photo("cap-grey.jpg", color="gray")
    navy = app.photo("cap-navy.jpg", color="navy")
    for path in (grey, navy):
        app.shelf("import", "--product", "CAP", path)
    app.launch()
    open_editor(app, "CAP")
    app.wait_for(lambda: len(app.testids("variant-row")) == 2, "the two variants")
    photo = app.wait_for(
        lambda: app.js(
            "const s = document.querySelector('[data-testid=\"variant-row\"][data-sku=\"CAP-NAVY\"] [data-testid=\"variant-photo\"]');"
            "return s && s.options.length === 3 ? s : null"
        ),
        "the product's photos offered for the variant",
    )
    navy_sha = app.js("return arguments[0].options[2].value", photo)
    app.js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))", photo, navy_sha)
    app.wait_for(
        lambda: app.shelf("product", "show", "CAP")["variants"][1]["image_sha256"] == navy_sha,
        "the navy photo to be saved on CAP-NAVY",
    )
    app.wait_for(
        lambda: app.js(
            "const i = document.querySelector('[data-testid=\"variant-row\"][data-sku=\"CAP-NAVY\"] img'); return i && i.complete && i.naturalWidth > 0"
        ),
        "the variant's photo in its row",
    )
    app.js("document.querySelector('[data-testid=\"variants-grid\"]').scrollIntoView({block: 'center'})")
    app.shot("variant-photo-chosen")

    # Someone else saves CAP-GREY's stock from the command line while the editor is open.
    app.shelf("variant", "edit", "CAP-GREY", "--stock", "40")
    stock = variant_cell(app, "CAP-GREY", "stock")
    stock.send_keys(Keys.CONTROL, "a")
    stock.send_keys("7", Keys.ENTER)
    app.wait_for(lambda: app.testids("variant-conflict"), "the conflict panel")
    assert app.testid("conflict-theirs").text == "40"
    assert app.testid("conflict-mine").text == "7"
    assert app.shelf("product", "show", "CAP")["variants"][0]["stock"] == 40, "nothing was overwritten"
    app.js("document.querySelector('[data-testid=\"variant-conflict\"]').scrollIntoView({block: 'center'})")
    app.shot("variant-conflict")
    app.testid("conflict-keep-mine").click()
    app.wait_for(lambda: app.shelf("product", "show", "CAP")["variants"][0]["stock"] == 7, "my stock saved over theirs")
    app.wait_for(lambda: not app.testids("variant-conflict"), "the conflict panel to close")
