"""Team mode in the real window (issue 14): two app windows on two library profiles against
one PostgreSQL server. Each connects through "Connect to a team server…"; photos dropped on
one window go to the server and show in the other's grid, editor and viewer; variants made in
one editor show on the other's card; an edit saved in one shows in the other
within a second (LISTEN/NOTIFY); a concurrent edit gets the conflict
view; history, restore, undo, bulk edits and the categories screen run on the server as the
login; a staff login
is refused a purge by the server; an owner adds a person (a login of their own)
and deactivates them; a server that stops answering is said
in plain words, the edit in progress stays in the editor and is saved once it answers."""

import time

from harness import App
from team_server import ADMIN, TeamServer
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from test_products import open_editor, save
from test_shop_import import report_text
from test_variants import variant_cell
from test_taxonomy import labelled, open_taxonomy


def connect(app, server, login):
    app.testid("connect-team").click()
    app.testid("team-dialog")
    app.fill("team-host", "127.0.0.1")
    app.fill("team-port", str(server.port))
    app.fill("team-database", "shop")
    app.fill("team-login", login)
    app.shot("connect-dialog")
    app.testid("team-connect").click()
    badge = app.testid("team-badge")
    app.wait_for(lambda: f"{login}@127.0.0.1" in badge.text, f"the header to name {login}'s team login")
    app.wait_for(lambda: app.js(
        "return document.querySelector('[data-testid=\"acting-user\"]')?.textContent ?? ''").find(login.title()) >= 0,
        f"the header to show {login.title()} acting")


def card_text(app, sku):
    return app.js("const c = document.querySelector(`[data-testid=\"product-card\"][data-sku=\"${arguments[0]}\"]`);"
                  "return c ? c.textContent : '';", sku)


def test_two_windows_share_one_team_catalog(app):
    server = TeamServer()
    other = None
    try:
        app.add_product("MUG-1", "Blue mug", price="12.00")
        app.add_product("LAMP-1", "Desk lamp")
        app.add_product("OLD-1", "Chipped vase")
        app.shelf("server", "push", "--to", server.url(ADMIN))
        server.add_person("ann", "owner")
        server.add_person("bob", "staff")
        # What the window shows from here is the server's: change this computer's copy so a
        # window quietly showing it would be caught.
        app.shelf("product", "edit", "MUG-1", "--name", "Local copy only")

        app.launch()
        connect(app, server, "ann")
        app.wait_for(lambda: "Blue mug" in card_text(app, "MUG-1"), "ann's window to show the server's MUG-1")
        app.shot("ann-on-team")
        files = app.js("return document.querySelector('[aria-label=\"Files\"]').textContent")
        assert "Export" in files and "Back up now" in files and "Import images" in files, files
        assert "Import CSV" in files, files

        other = App(f"{app.name}-bob", ports=(4446, 4447))
        other.launch()
        connect(other, server, "bob")
        other.wait_card("LAMP-1")
        other.shot("bob-on-team")

        # Bob (staff) drops a spreadsheet's CSV on his window: it goes into the team catalog,
        # written by the server as his login, and ann's window shows the new products.
        csv = other.files / "team-products.csv"
        csv.write_text("sku,name,price,stock,category\n"
                       "CSV-1,Linen napkin,4.50,12,Table > Linen\n"
                       "CSV-2,Oak board,29.90,3,Kitchen\n")
        other.drop([str(csv)])
        dialog = other.testid("csv-import")
        other.wait_for(lambda: "into the team catalog" in dialog.text, "the import dialog to name the team catalog")
        other.shot("bob-csv-preview-on-team")
        other.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')]"
                 ".find(b => b.textContent.trim() === 'Import').click()")
        text = report_text(other)
        assert "2 products created" in text, text
        other.shot("bob-csv-report-on-team")
        other.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')]"
                 ".find(b => b.textContent.trim() === 'Close').click()")
        app.wait_card("CSV-2")
        assert server.sql("shop", "SELECT actor FROM audit_log WHERE table_name = 'products' AND row_id = "
                                  "(SELECT id::text FROM products WHERE sku = 'CSV-1') ORDER BY id LIMIT 1") == "bob"
        assert server.sql("shop", "SELECT category_path(category_id) FROM products WHERE sku = 'CSV-1'") \
            == "Table > Linen"
        assert other.shelf("product", "show", "CSV-1", check=False) is None, "the CSV went into bob's library"

        # Photos dropped on ann's grid go to the server by the SKU in their names (a new SKU
        # is a new draft), and bob's window shows them.
        app.drop([app.photo("MUG-1.jpg", "steelblue"), app.photo("NEW-9.jpg", "orange"),
                  app.corrupt_file("BROKEN-1.jpg")], x=1200, y=760)
        refused = app.testid("import-refused")
        app.wait_for(lambda: "BROKEN-1.jpg" in refused.text, "BROKEN-1.jpg to be listed as refused")
        app.shot("ann-dropped-photos")
        other.wait_card("NEW-9")
        other.wait_for(lambda: other.js(
            """const img = document.querySelector('[data-testid="product-card"][data-sku="MUG-1"] img');
               return img && img.complete && img.naturalWidth > 0;"""), "bob's grid to show MUG-1's new photo")
        other.shot("bob-sees-ann-photos")
        stored = server.sql("shop", "SELECT count(*) FROM product_images AS i JOIN originals AS o USING (sha256) "
                                    "WHERE octet_length(o.bytes) = o.byte_size")
        assert stored == "2", stored
        assert app.shelf("images", "MUG-1") == [], "the photo went into this computer's library"
        open_editor(other, "MUG-1")
        other.wait_for(lambda: other.js(
            """const img = document.querySelector('[data-testid="product-editor"] [data-testid="image-tile"] img');
               return img && img.complete && img.naturalWidth > 0;"""), "bob's editor to show MUG-1's photo")
        other.js("document.querySelector('[data-testid=\"product-editor\"] [aria-label=\"Rotate a quarter turn\"]').click()")
        other.wait_for(lambda: server.sql("shop", "SELECT rotation FROM originals AS o JOIN product_images AS i "
                                                  "USING (sha256) JOIN products AS p ON p.id = i.product_id "
                                                  "WHERE p.sku = 'MUG-1'") == "90", "bob's quarter turn to reach the server")
        time.sleep(0.5)
        other.shot("bob-editor-team-photo-turned")
        other.js("document.querySelector('[data-testid=\"product-editor\"] button.view').click()")
        shown = other.wait_for(lambda: other.js(
            """const img = document.querySelector('dialog[open] img[src*="original"]');
               return img && img.complete && img.naturalWidth > 0 && [img.naturalWidth, img.naturalHeight];"""),
            "bob's viewer to show the original, fetched from the server")
        assert shown == [800, 600], shown  # the viewer turns the picture; the original stays
        time.sleep(0.5)  # complete is set before the picture is painted
        other.shot("bob-views-team-original")
        other.js("document.querySelector('dialog[open] img[src*=\"original\"]').closest('dialog')"
                 ".querySelector('button[aria-label=\"Close\"], button').click()")
        # A new category from the editor's picker is made on the server.
        other.js("""[...document.querySelectorAll('[data-testid="product-editor"] button')]
                    .find(b => b.textContent.trim() === 'New category…').click()""")
        other.js("""const input = document.querySelector('[aria-label="New category name"]');
                    input.value = 'Mugs'; input.dispatchEvent(new Event('input', {bubbles: true}));""")
        other.js("""[...document.querySelectorAll('[data-testid="product-editor"] button')]
                    .find(b => b.textContent.trim() === 'Add').click()""")
        other.wait_for(lambda: other.js(
            """const s = document.querySelector('#field-category, [data-testid="product-editor"] .picker select');
               return s && s.selectedOptions[0] && s.selectedOptions[0].textContent === 'Mugs';"""),
            "bob's editor to pick the new category")
        assert server.sql("shop", "SELECT count(*) FROM categories WHERE name = 'Mugs'") == "1"
        other.shot("bob-new-category-on-team")
        # Bob gives MUG-1 sizes in the editor's variants panel: made on the server, as his login.
        other.fill("option-name-1", "Size")
        other.fill("option-values-1", "Small, Large")
        other.testid("generate-variants").click()
        other.wait_for(lambda: len(other.testids("variant-row")) == 2, "bob's two generated variants")
        skus = server.sql("shop", "SELECT string_agg(v.sku::text, ',' ORDER BY v.position) FROM variants AS v "
                                  "JOIN products AS p ON p.id = v.product_id WHERE p.sku = 'MUG-1'")
        assert skus == "MUG-1-SMALL,MUG-1-LARGE", skus
        stock = variant_cell(other, "MUG-1-LARGE", "stock")
        stock.send_keys(Keys.CONTROL, "a")
        stock.send_keys("4", Keys.ENTER)
        other.wait_for(lambda: server.sql("shop", "SELECT stock FROM products WHERE sku = 'MUG-1'") == "4",
                       "the product's stock to follow bob's variant on the server")
        assert server.sql("shop", "SELECT actor FROM audit_log WHERE table_name = 'variants' "
                                  "ORDER BY id DESC LIMIT 1") == "bob"
        other.js("document.querySelector('[data-testid=\"variants-grid\"]').scrollIntoView({block: 'center'})")
        other.shot("bob-variants-on-team")
        app.wait_for(lambda: "2 variants" in card_text(app, "MUG-1"), "ann's card to count bob's variants")
        app.shot("ann-sees-bob-variants")
        other.js("""[...document.querySelectorAll('[data-testid="product-editor"] button')]
                    .find(b => b.textContent.trim() === 'Cancel').click()""")
        other.wait_for(lambda: not other.testids("product-editor"), "bob's editor to close")

        # An edit in ann's window shows in bob's, within a second of the save.
        open_editor(app, "MUG-1")
        app.fill("field-name", "Blue mug, large")
        save(app)
        saved_at = time.time()
        other.wait_for(lambda: "Blue mug, large" in card_text(other, "MUG-1"), "bob's window to show ann's edit",
                       seconds=5)
        seen_after = time.time() - saved_at
        other.shot("bob-sees-ann-edit")
        assert seen_after < 1.5, f"bob's window showed the edit {seen_after:.2f}s after ann saved"
        audit = server.sql("shop", "SELECT actor FROM audit_log WHERE table_name = 'products' "
                                   "ORDER BY id DESC LIMIT 1")
        assert audit == "ann", audit

        # Both open LAMP-1; ann saves first; bob's save gets the conflict view.
        open_editor(other, "LAMP-1")
        open_editor(app, "LAMP-1")
        app.fill("field-name", "Brass desk lamp")
        save(app)
        other.wait_for(lambda: "Brass desk lamp" in card_text(other, "LAMP-1"), "bob's grid to show ann's lamp")
        other.fill("field-name", "Desk lamp, green")
        save(other)
        other.testid("conflict-view")
        other.shot("bob-conflict-view")
        assert server.sql("shop", "SELECT name FROM products WHERE sku = 'LAMP-1'") == "Brass desk lamp"
        other.testid("conflict-take-theirs").click()
        other.js("""[...document.querySelectorAll('[data-testid="product-editor"] button')]
                    .find(b => b.textContent.trim() === 'Cancel').click()""")
        other.wait_for(lambda: not other.testids("product-editor"), "bob's editor to close")

        # Bob reads LAMP-1's history from the server (ann's edit, by her login), brings back the
        # version it was created as, then takes that back with Undo; ann's window follows.
        lamp_name = lambda: server.sql("shop", "SELECT name FROM products WHERE sku = 'LAMP-1'")
        other.wait_card("LAMP-1").click()
        other.testid("history-selected").click()
        history = other.testid("history")
        other.wait_for(lambda: "by ann" in history.text and "Brass desk lamp" in history.text,
                       "ann's edit in bob's history of LAMP-1")
        other.shot("bob-history-on-team")
        other.testids("restore-version")[-1].click()
        other.wait_for(lambda: lamp_name() == "Desk lamp", "bob's restore to reach the server")
        app.wait_for(lambda: "Brass" not in card_text(app, "LAMP-1"), "ann's window to show bob's restore")
        other.wait_for(lambda: "by bob" in history.text, "bob's restore in the history")
        other.shot("bob-restored-on-team")
        history.find_element("css selector", 'button[aria-label="Close"]').click()
        other.testid("undo").click()
        other.wait_for(lambda: lamp_name() == "Brass desk lamp", "bob's undo to reach the server")
        app.wait_for(lambda: "Brass desk lamp" in card_text(app, "LAMP-1"), "ann's window to show bob's undo")
        # A bulk edit of two products, on the server as bob.
        ActionChains(other.driver).key_down(Keys.CONTROL).click(other.card("NEW-9")[0]).key_up(Keys.CONTROL).perform()
        other.wait_for(lambda: "2 selected" in other.js("return document.body.textContent"), "two selected")
        other.testid("bulk-edit-selected").click()
        dialog = other.testid("bulk-edit")
        Select(dialog.find_element("id", "bulk-status")).select_by_value("archived")
        other.wait_for(lambda: other.js("return document.getElementById('bulk-status').selectedOptions[0].textContent")
                       == "Archived", "the status picked")
        other.shot("bob-bulk-edit-on-team")
        dialog.find_element("css selector", 'button[type="submit"]').click()
        other.wait_for(lambda: server.sql("shop", "SELECT string_agg(sku::text || ' ' || status, ',' ORDER BY sku) "
                                                  "FROM products WHERE sku IN ('LAMP-1', 'NEW-9')")
                       == "LAMP-1 archived,NEW-9 archived", "bob's bulk edit to reach the server")
        assert server.sql("shop", "SELECT actor FROM audit_log WHERE table_name = 'products' "
                                  "ORDER BY id DESC LIMIT 1") == "bob"

        # Bob (staff) may use the trash, but the purge is refused by the server, in words.
        other.wait_card("OLD-1").click()
        other.testid("trash-selected").click()
        other.wait_no_card("OLD-1")
        other.testid("trash-view").click()
        other.wait_card("OLD-1").click()
        other.js("""[...document.querySelectorAll('button')]
                    .find(b => b.textContent.includes('Delete selected for good')).click()""")
        other.confirm_native_dialog("Delete for good?")
        refusal = other.wait_for(lambda: other.js(
            "return [...document.querySelectorAll('.toast')].map(t => t.textContent).join(' ')").find("for owners") >= 0,
            "the window to say the purge is for owners")
        assert refusal
        other.shot("staff-purge-refused")
        assert server.sql("shop", "SELECT deleted_at IS NOT NULL FROM products WHERE sku = 'OLD-1'") == "t"
        other.testid("trash-view").click()

        # Ann (an owner) adds a person from the Users screen: a login of their own on the
        # server; deactivating them closes it.
        app.js("""[...document.querySelectorAll('nav button, aside button')]
                  .find(b => b.textContent.trim() === 'Users').click()""")
        form = app.testid("add-user")
        inputs = form.find_elements("css selector", "input")
        for field, value in zip(inputs, ["cara", "Cara Diaz", "", "correct horse battery"]):
            if value:
                field.send_keys(value)
        app.shot("ann-adds-a-person")
        app.js("document.querySelector('[data-testid=\"add-user\"] button[type=submit]').click()")
        app.wait_for(lambda: app.js("return !!document.querySelector('[data-testid=\"user-row\"][data-username=\"cara\"]')"),
                     "cara in ann's list of people")
        assert server.sql("shop", "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'cara'") == "t"
        assert server.sql("shop", "SELECT pg_has_role('cara', 'shelf_staff', 'member')") == "t"
        app.js("""[...document.querySelectorAll('[data-testid="user-row"][data-username="cara"] button')]
                  .find(b => b.textContent.trim() === 'Deactivate').click()""")
        app.wait_for(lambda: server.sql("shop", "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'cara'") == "f",
                     "cara's login to be closed")
        assert server.sql("shop", "SELECT is_active FROM users WHERE username = 'cara'") == "0"
        app.wait_for(lambda: "Deactivated" in app.js(
            "return document.querySelector('[data-testid=\"user-row\"][data-username=\"cara\"]').textContent"),
            "the list to say cara is deactivated")
        app.shot("ann-deactivated-a-person")
        # The currency new products get is the team's: ann (an owner) sets it in Settings; bob
        # (staff) is refused by the server, in words, and his picker goes back.
        show_screen = "[...document.querySelectorAll('nav button')].find(b => b.textContent.trim() === arguments[0]).click()"
        app.js(show_screen, "Settings")
        app.testid("team-settings-note")
        Select(app.driver.find_element("id", "default-currency")).select_by_value("EUR")
        team_currency = lambda: server.sql("shop", "SELECT value #>> '{}' FROM settings WHERE key = 'default_currency'")
        app.wait_for(lambda: team_currency() == "EUR", "ann's currency to reach the server")
        app.shot("ann-settings-on-team")
        other.js(show_screen, "Settings")
        Select(other.driver.find_element("id", "default-currency")).select_by_value("GBP")
        said = other.wait_for(lambda: other.js(
            "const e = document.getElementById('err-default-currency'); return e ? e.textContent : ''"),
            "bob's refusal under the currency")
        assert "for owners" in said, said
        other.wait_for(lambda: other.js("return document.getElementById('default-currency').value") == "EUR",
                       "bob's picker to show the team's currency, ann's")
        other.shot("staff-settings-refused")
        assert team_currency() == "EUR"
        other.js(show_screen, "Products")
        # Ann renames bob's category on the Categories & tags screen: on the server, and in
        # bob's category filter through the server's notification.
        open_taxonomy(app)
        mugs = labelled(app, "Name of Mugs")
        mugs.send_keys(Keys.CONTROL, "a")
        mugs.send_keys("Mugs & cups", Keys.TAB)
        app.wait_for(lambda: server.sql("shop", "SELECT name FROM categories WHERE name LIKE 'Mugs%'") == "Mugs & cups",
                     "ann's rename to reach the server")
        app.shot("ann-renamed-a-category")
        other.wait_for(lambda: "Mugs & cups" in other.js(
            "return [...document.querySelectorAll('aside select option')].map(o => o.textContent).join('|')"),
            "bob's category filter to show ann's rename")
        app.js("""[...document.querySelectorAll('nav button, aside button')]
                  .find(b => b.textContent.trim() === 'Products').click()""")

        # The server stops answering: said in the window; an edit stays and saves afterwards.
        open_editor(app, "MUG-1")
        server.pause()
        app.fill("field-name", "Blue mug, large (boxed)")
        save(app)
        problem = app.wait_for(lambda: app.js("""
            const b = document.querySelector('[data-testid="product-editor"] [role="alert"]');
            return b ? b.textContent : '';"""), "the editor to say the server stopped answering")
        assert "team server" in problem.lower(), problem
        app.testid("team-problem")
        app.shot("server-not-answering")
        assert app.testids("product-editor"), "the editor closed, losing the edit"
        server.start_again()
        app.wait_for(lambda: not app.testids("team-problem"), "the header to see the server answer again",
                     seconds=20)
        save(app)
        app.wait_for(lambda: not app.testids("product-editor"), "the editor to save and close")
        other.wait_for(lambda: "Blue mug, large (boxed)" in card_text(other, "MUG-1"),
                       "bob's window to show the edit saved after the outage", seconds=10)
        saves = server.sql("shop", "SELECT count(*) FROM audit_log WHERE table_name = 'products' AND action = 'update' "
                                   "AND new_values->>'name' = 'Blue mug, large (boxed)'")
        assert saves == "1", f"the edit made after the outage was saved {saves} times"
        app.shot("saved-after-outage")
        assert app.product("MUG-1")["name"] == "Local copy only", "the local library was changed"
        print(f"  edit seen in the other window after {seen_after * 1000:.0f} ms")
    finally:
        if other is not None:
            other.close()
        server.stop()
