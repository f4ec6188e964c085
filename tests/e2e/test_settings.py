"""Settings' background services in the real window: the watched inbox imports a photo saved
into it onto the product named in the file name, and automatic backups write a verified
backup into the chosen folder; both report on the Settings screen.

The folders are normally chosen in native dialogs, which WebDriver can't click, so the test
saves the two settings into the catalog before the app opens, as another program would."""

import json
import sqlite3


def put_setting(app, key, value):
    con = sqlite3.connect(app.library / "catalog.db")
    with con:
        con.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )
    con.close()


def open_settings(app):
    app.open_screen("Settings")
    return app.testid("inbox-folder")


def test_inbox_imports_a_saved_photo_and_automatic_backups_run(app):
    app.add_product("INBOX-1", "Inbox mug")
    inbox, backups = app.files / "inbox", app.files / "auto-backups"
    inbox.mkdir()
    put_setting(app, "inbox_folder", str(inbox))
    put_setting(app, "auto_backup", {"folder": str(backups), "daily": 7, "weekly": 4, "every_hours": 4})
    app.launch()
    app.wait_card("INBOX-1")

    # Saved by a "sync tool": written elsewhere, then moved in whole.
    photo = app.photo("INBOX-1.jpg", "seagreen")
    (app.files / "INBOX-1.jpg").rename(inbox / "INBOX-1.jpg")
    app.wait_for(
        lambda: app.js(
            """const img = document.querySelector('[data-testid="product-card"][data-sku="INBOX-1"] img');
               return img && img.complete && img.naturalWidth > 0;"""),
        "INBOX-1's card to show the photo from the inbox", 30,
    )
    app.shot("inbox-photo-on-card")
    assert (inbox / "imported" / "INBOX-1.jpg").exists(), "the photo is filed under imported/"
    assert not (inbox / "INBOX-1.jpg").exists(), photo
    assert len(app.shelf("images", "INBOX-1")) == 1

    archives = app.wait_for(lambda: sorted(backups.glob("*.zip")), "the first automatic backup", 30)
    app.shelf("verify-backup", str(archives[0]))

    folder = open_settings(app)
    app.wait_for(lambda: str(inbox) in folder.text, "Settings to name the watched folder")
    app.wait_for(
        lambda: "Automatic backup saved to" in app.js("return document.querySelector('.reports')?.textContent ?? ''"),
        "Settings to list the automatic backup",
    )
    assert str(backups) in app.testid("backup-folder").text
    app.shot("settings-services")
