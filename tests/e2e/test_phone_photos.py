"""A photo straight off an iPhone (HEIC, turned by its irot box): dropped on the window it
gets a thumbnail the right way up, the viewer shows its JPEG rendition, and the export
dialog offers to keep HEIC originals."""

import subprocess
import time


def heic_photo(app, file_name):
    """A 1200x800 landscape JPEG (red left, blue right) as a HEIC shown turned a quarter
    clockwise, written by pillow-heif the way a phone writes it."""
    path = app.files / file_name
    script = (
        "import sys, pillow_heif\nfrom PIL import Image\n"
        "im = Image.new('RGB', (1200, 800), (220, 30, 30))\n"
        "im.paste((30, 30, 220), (600, 0, 1200, 800))\n"
        "exif = Image.Exif(); exif[0x0112] = 6\n"
        "pillow_heif.from_pillow(im).save(sys.argv[1], quality=90, exif=exif.tobytes())\n"
    )
    subprocess.run(["python3", "-c", script, str(path)], check=True)
    return str(path)


def test_a_dropped_heic_shows_turned_in_the_grid_and_the_viewer(app):
    app.add_product("PHONE-1", "Photo off a phone")
    app.launch()
    app.wait_card("PHONE-1")
    app.drop([heic_photo(app, "PHONE-1.HEIC")], x=1200, y=760)
    app.wait_for(
        lambda: app.js(
            """const img = document.querySelector('[data-testid="product-card"][data-sku="PHONE-1"] img');
               return img && img.complete && img.naturalWidth > 0 && [img.naturalWidth, img.naturalHeight];""",
        ),
        "PHONE-1's card to show the HEIC's thumbnail",
    )
    width, height = app.js(
        """const img = document.querySelector('[data-testid="product-card"][data-sku="PHONE-1"] img');
           return [img.naturalWidth, img.naturalHeight];""")
    assert height > width, f"the thumbnail is turned upright: {width}x{height}"
    app.shot("heic-thumbnail-in-grid")
    images = app.shelf("images", "PHONE-1")
    assert [i["mime"] for i in images] == ["image/heic"], images

    app.js("""document.querySelector('[data-testid="product-card"][data-sku="PHONE-1"]')
              .dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))""")
    app.testid("product-editor")
    app.wait_for(
        lambda: app.js("return !!document.querySelector('[data-testid=\"product-editor\"] button.view')"),
        "the editor's photo to show",
    )
    app.js("document.querySelector('[data-testid=\"product-editor\"] button.view').click()")
    shown = app.wait_for(
        lambda: app.js(
            """const img = document.querySelector('dialog[open] img[src*="original"]');
               return img && img.complete && img.naturalWidth > 0 && [img.naturalWidth, img.naturalHeight];""",
        ),
        "the viewer to show the HEIC's JPEG rendition",
    )
    assert shown[1] > shown[0] and max(shown) == 1200, f"rendition {shown}: upright, full 1200 px"
    time.sleep(0.5)  # complete is set before the picture is painted
    app.shot("heic-in-viewer")
    app.js("document.querySelector('dialog[open] img[src*=\"original\"]').closest('dialog').querySelector('button[aria-label=\"Close\"], button').click()")

    app.js("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Export…').click()")
    dialog = app.testid("export-dialog")
    assert not app.testids("keep-originals"), "the choice shows only when photos are copied"
    app.js("[...document.querySelectorAll('[data-testid=\"export-dialog\"] input[type=\"checkbox\"]')][0].click()")
    app.wait_for(lambda: app.testids("keep-originals"), "the keep-HEIC choice")
    assert "HEIC" in app.testid("keep-originals").text
    app.shot("export-dialog-keep-heic-choice")
    assert dialog.is_displayed()
