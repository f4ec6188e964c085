"""Photos dropped on the window: thumbnails appear with the progress panel, and a corrupt
file is listed as refused while the others import."""


def test_dropped_photos_become_thumbnails_and_a_corrupt_file_is_refused(app):
    app.add_product("MUG-1", "Blue mug")
    app.launch()
    app.wait_card("MUG-1")
    app.shot("before-drop")
    paths = [app.photo("MUG-1.jpg", "steelblue"), app.photo("MUG-1_2.jpg", "orange"),
             app.corrupt_file("BROKEN-1.jpg")]
    # Dropped on the grid outside any card: grouped by the SKU in each file name.
    app.drop(paths, x=1200, y=760)
    app.testid("import-progress")
    app.shot("progress-panel")
    refused = app.testid("import-refused")
    app.wait_for(lambda: "BROKEN-1.jpg" in refused.text, "BROKEN-1.jpg to be listed as refused")
    state = app.js(
        """const card = document.querySelector('[data-testid="product-card"][data-sku="MUG-1"]');
           const img = card && card.querySelector('img');
           return img ? [img.src, img.complete, img.naturalWidth] : card && card.outerHTML.slice(0, 300);""")
    print("card image before waiting:", state, "primary_image:", app.product("MUG-1")["primary_image"], flush=True)
    app.wait_for(
        lambda: app.js(
            """const img = document.querySelector('[data-testid="product-card"][data-sku="MUG-1"] img');
               return img && img.complete && img.naturalWidth > 0 && img.src;""",
        ),
        "MUG-1's card to show its thumbnail",
    )
    app.shot("thumbnail-and-refused-list")
    src = app.js("return document.querySelector('[data-testid=\"product-card\"][data-sku=\"MUG-1\"] img').src")
    assert src.startswith("thumb://") or "thumb.localhost" in src, src
    images = app.shelf("images", "MUG-1")
    assert len(images) == 2, images
