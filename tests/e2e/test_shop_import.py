"""Shop files in the real window: a Shopify export with variants and photo URLs dropped on the
window opens the import preview; its photos come from a real HTTP server on 127.0.0.1 (slowed
down so the download progress can be seen); a file with headers the importer does not know is
mapped by hand in the preview, and the mapping is offered again for the next file with the
same header row; the table view opens a product into its variants."""

import http.server
import threading
import time

from selenium.webdriver.support.ui import Select


class SlowPhotos(http.server.SimpleHTTPRequestHandler):
    """Serves the test's photo folder, each answer a moment late, like a far-away CDN."""

    def do_GET(self):  # noqa: N802 - the http.server API
        time.sleep(3 if "gone" in self.path else 0.5)
        super().do_GET()

    def log_message(self, *args):
        pass


def serve(folder):
    handler = lambda *a, **k: SlowPhotos(*a, directory=str(folder), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def report_text(app):
    return app.wait_for(
        lambda: app.js("const r = document.querySelector('[data-testid=\"csv-report\"]'); return r && r.textContent"),
        "the import report",
        60,
    )


def test_shopify_file_with_variants_and_photo_urls_imports_from_a_drop(app):
    for name, colour in [("front.jpg", "tomato"), ("back.jpg", "gold"), ("blue.jpg", "royalblue")]:
        app.photo(name, color=colour)
    server = serve(app.files)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    csv = app.files / "products_export.csv"
    csv.write_text(
        "Handle,Title,Vendor,Type,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Compare At Price,Variant Inventory Qty,Image Src,Image Position,Variant Image,Status\n"
        f"linen-shirt,Linen shirt,Acme,Shirts,Colour,Red,LS-RED,39.00,45.00,4,{base}/front.jpg,1,{base}/front.jpg,active\n"
        f"linen-shirt,,,,,Blue,LS-BLUE,41.00,,3,{base}/blue.jpg,2,{base}/blue.jpg,\n"
        f"linen-shirt,,,,,,,,,,{base}/back.jpg,3,,\n"
        f"linen-shirt,,,,,,,,,,{base}/gone.jpg,4,,\n"
    )
    app.launch()
    app.drop([str(csv)])
    app.testid("csv-import")
    app.wait_for(lambda: "Shopify" in app.testid("csv-import").text, "the Shopify layout in the preview")
    assert Select(app.testid("map-6")).first_selected_option.text == "SKU"
    app.shot("import-preview-shopify")
    app.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')].find(b => b.textContent.trim() === 'Import').click()")
    step = app.wait_for(
        lambda: (lambda t: t if t and "Downloaded photo" in t else None)(
            app.js("const s = document.querySelector('[data-testid=\"csv-progress-step\"]'); return s && s.textContent")
        ),
        "the photo download progress",
        30,
    )
    app.shot("import-downloading-photos")
    assert "of 4" in step, step
    text = report_text(app)
    assert "1 products created" in text and "2 variants" in text, text
    assert "was not found on the server (404)" in text, text
    app.shot("import-report-with-variants")
    shirt = app.product("linen-shirt")
    assert [v["sku"] for v in shirt["variants"]] == ["LS-RED", "LS-BLUE"], shirt
    assert all(v["image_sha256"] for v in shirt["variants"]), shirt
    server.shutdown()

    # The table view opens the product into its variants.
    app.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')].find(b => b.textContent.trim() === 'Close').click()")
    app.js("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Table').click()")
    app.wait_for(lambda: app.testids("open-variants"), "the variants toggle in the table")
    app.testids("open-variants")[0].click()
    app.wait_for(lambda: len(app.testids("variant-line")) == 2, "two variant lines")
    app.wait_for(
        lambda: app.js(
            "return [...document.querySelectorAll('[data-testid=\"variant-line\"] img')].filter(i => i.complete && i.naturalWidth > 0).length"
        )
        == 2,
        "each variant's photo in the table",
    )
    app.shot("table-with-variants")


def test_unknown_headers_are_mapped_by_hand_and_remembered(app):
    text = "ARTIKELNAME,KURZTEXT,VERKAUFSPREIS,BESTAND,ARTIKELNUMMER\n"
    first = app.files / "Angebote-Januar.csv"
    first.write_text(text + "Holzbrett,Eiche,29.90,4,BRETT-1\n")
    second = app.files / "Angebote-Februar.csv"
    second.write_text(text + "Schale,Ton,12.00,2,SCHALE-1\n")
    app.launch()
    app.drop([str(first)])
    dialog = app.testid("csv-import")
    app.wait_for(lambda: "SKU" in dialog.text and "column" in dialog.text.lower(), "what the mapping lacks")
    app.shot("import-preview-unknown-headers")
    for index, field in enumerate(["name", "description", "price", "stock", "sku"]):
        # What choosing in the drop-down does (WebKit's driver can't click a <select>'s options).
        app.js(
            "const s = document.querySelector(`[data-testid=\"map-${arguments[0]}\"]`);"
            "s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
            index,
            field,
        )
    assert Select(app.testid("map-4")).first_selected_option.text == "SKU"
    app.shot("import-columns-mapped")
    app.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')].find(b => b.textContent.trim() === 'Import').click()")
    assert "1 products created" in report_text(app)
    assert app.product("BRETT-1")["price_minor"] == 2990
    app.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')].find(b => b.textContent.trim() === 'Close').click()")

    app.drop([str(second)])
    app.wait_for(lambda: "as you chose" in app.testid("csv-import").text, "the remembered mapping")
    assert Select(app.testid("map-4")).first_selected_option.text == "SKU"
    app.shot("import-mapping-remembered")
    app.js("[...document.querySelectorAll('[data-testid=\"csv-import\"] button')].find(b => b.textContent.trim() === 'Import').click()")
    assert "1 products created" in report_text(app)
    assert app.product("SCHALE-1")["stock"] == 2


def test_the_export_dialog_offers_the_shop_formats(app):
    app.add_product("CAP", "Wool cap", price="20.00")
    app.shelf("variant", "generate", "CAP", "--option", "Colour=Grey,Navy", "--price", "20.00")
    app.launch()
    app.wait_card("CAP")
    app.js("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Export…').click()")
    dialog = app.testid("export-dialog")
    assert "Shopify" in dialog.text and "WooCommerce CSV" in dialog.text, dialog.text
    app.js("document.querySelector('[data-testid=\"export-dialog\"] input[value=\"woocommerce\"]').click()")
    assert app.js("return document.querySelector('[data-testid=\"export-dialog\"] input[value=\"woocommerce\"]').checked")
    app.shot("export-dialog-woocommerce")
