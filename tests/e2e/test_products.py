"""A seller's day with products, in the real window: create, refuse bad input, edit,
search, trash and restore, and a stale edit."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys


def open_new_product(app):
    app.testid("new-product").click()
    app.testid("product-editor")


def save(app):
    app.testid("save-product").click()


def open_editor(app, sku):
    card = app.wait_card(sku)
    ActionChains(app.driver).double_click(card).perform()
    return app.testid("product-editor")


def test_create_a_product(app):
    app.launch()
    app.testid("empty-state")
    app.shot("empty-catalog")
    open_new_product(app)
    app.fill("field-sku", "MUG-001")
    app.fill("field-name", "Blue ceramic mug")
    app.fill("field-price", "12.50")
    app.fill("field-stock", "7")
    app.shot("filled-editor")
    save(app)
    app.wait_card("MUG-001")
    count = app.testid("product-count")
    app.wait_for(lambda: count.text == "1 product", "the header to count the new product")
    app.shot("card-in-grid")
    stored = app.product("MUG-001")
    assert stored["name"] == "Blue ceramic mug", stored
    assert stored["price_minor"] == 1250, stored
    assert stored["stock"] == 7, stored


def test_negative_price_and_duplicate_sku_are_refused_next_to_the_field(app):
    app.add_product("MUG-001", "Blue ceramic mug")
    app.launch()
    app.wait_card("MUG-001")

    open_new_product(app)
    app.fill("field-sku", "MUG-002")
    app.fill("field-name", "Red mug")
    app.fill("field-price", "-5")
    app.fill("field-stock", "1")
    save(app)
    message = app.wait_for(lambda: app.alert_next_to("field-price"), "a message next to the price")
    assert "negative" in message.lower(), message
    app.shot("negative-price-refused")
    assert app.product_count() == 1

    app.fill("field-price", "5")
    app.fill("field-sku", "mug-001")
    save(app)
    message = app.wait_for(lambda: app.alert_next_to("field-sku"), "a message next to the SKU")
    assert "sku" in message.lower(), message
    app.shot("duplicate-sku-refused")
    assert app.product_count() == 1
    assert app.product("MUG-001")["name"] == "Blue ceramic mug"


def test_an_edit_shows_in_the_grid(app):
    app.add_product("LAMP-1", "Desk lamp")
    app.launch()
    open_editor(app, "LAMP-1")
    app.fill("field-name", "Brass desk lamp")
    app.shot("editing")
    save(app)
    app.wait_for(lambda: "Brass desk lamp" in app.js(
        "return document.querySelector('[data-testid=\"product-card\"][data-sku=\"LAMP-1\"]').textContent"),
        "the card to show the new name")
    app.shot("edited-card")
    assert app.product("LAMP-1")["name"] == "Brass desk lamp"


def test_search_finds_a_product_by_a_prefix_of_its_name(app):
    app.add_product("TEA-1", "Earl Grey tea")
    app.add_product("MUG-1", "Stoneware mug")
    app.add_product("POT-1", "Teapot")
    app.launch()
    app.wait_card("MUG-1")
    search = app.testid("search")
    search.send_keys("stonew")
    app.wait_for(lambda: app.card_skus() == ["MUG-1"], "only MUG-1 to be shown")
    app.shot("search-result")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    app.wait_for(lambda: len(app.card_skus()) == 3, "all three products after clearing the search")


def test_move_to_trash_and_restore(app):
    app.add_product("VASE-1", "Glass vase")
    app.add_product("BOWL-1", "Salad bowl")
    app.launch()
    app.wait_card("VASE-1").click()
    app.testid("trash-selected").click()
    app.wait_no_card("VASE-1")
    app.shot("trashed")
    assert app.product("VASE-1")["deleted_at"] is not None
    app.testid("trash-view").click()
    app.wait_card("VASE-1")
    app.shot("trash-view")
    app.testid("restore-product").click()
    app.wait_for(lambda: app.product("VASE-1")["deleted_at"] is None, "VASE-1 to be restored in the catalog")
    app.shot("restored")


def test_a_stale_edit_shows_the_conflict_view(app):
    app.add_product("CUP-1", "Espresso cup")
    app.launch()
    open_editor(app, "CUP-1")
    # A second writer saves first: the command line on the same library.
    app.shelf("product", "edit", "CUP-1", "--name", "Espresso cup (set of 2)")
    app.fill("field-name", "Espresso cup, white")
    save(app)
    app.testid("conflict-view")
    app.shot("conflict-view")
    assert app.product("CUP-1")["name"] == "Espresso cup (set of 2)"
