"""Categories and tags in the real window: a category added on the screen shows in the
tree, a refused rename says why and shows the name the catalog kept, deleting a category
that products use is refused with the core's sentence, and renaming a tag onto another
merges them."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def open_taxonomy(app):
    app.open_screen("Categories & tags")
    return app.wait_for(lambda: app.driver.find_elements(By.CSS_SELECTOR, '[aria-label="New category name"]'),
                        "the categories screen")[0]


def labelled(app, label):
    return app.wait_for(lambda: app.driver.find_elements(By.CSS_SELECTOR, f'[aria-label="{label}"]'),
                        f"the control labelled {label!r}")[0]


def alert_text(app):
    return " ".join(e.text for e in app.driver.find_elements(By.CSS_SELECTOR, '[role="alert"]'))


def test_categories_and_tags_are_managed_and_refusals_explained(app):
    app.add_product("KIT-1", "Kettle")
    app.shelf("product", "edit", "KIT-1", "--category", "Kitchen", "--tags", "steel,sale")
    app.add_product("KIT-2", "Teapot")
    app.shelf("product", "edit", "KIT-2", "--tags", "sales")
    app.launch()
    app.wait_card("KIT-1")

    new_name = open_taxonomy(app)
    new_name.send_keys("Garden")
    new_name.send_keys(Keys.ENTER)
    garden = labelled(app, "Name of Garden")
    app.shot("category-added")

    # Typed over a selection: WebDriver's clear() would itself commit an empty name.
    garden.send_keys(Keys.CONTROL, "a")
    garden.send_keys("   ", Keys.TAB)
    app.wait_for(lambda: alert_text(app), "the blank name to be refused")
    app.wait_for(lambda: garden.get_attribute("value") == "Garden", "the field to show the kept name")
    app.shot("blank-name-refused")

    labelled(app, "Delete Kitchen").click()
    app.wait_for(lambda: "KIT-1" in alert_text(app) or "Kettle" in alert_text(app),
                 "the refusal to name the product in Kitchen")
    assert app.driver.find_elements(By.CSS_SELECTOR, '[aria-label="Name of Kitchen"]'), "Kitchen was kept"
    app.shot("category-in-use-refused")

    tag = labelled(app, "Rename tag sales")
    tag.send_keys(Keys.CONTROL, "a")
    tag.send_keys("sale", Keys.TAB)
    app.wait_for(lambda: not app.driver.find_elements(By.CSS_SELECTOR, '[aria-label="Rename tag sales"]'),
                 "the two tags to merge")
    assert sorted(app.product("KIT-2")["tags"]) == ["sale"]
    app.shot("tags-merged")
