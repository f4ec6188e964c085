"""Seeds a benchmark catalog: N products, each with one photo row and a real JPEG thumbnail
(generated once with ImageMagick and stored per product, as the catalog would after an
import). Written with a plain SQLite client in one transaction, through the schema's own
checks and triggers. Original files are not written: the launch benchmark only shows
thumbnails. Usage: seed_large.py LIBRARY_DIR COUNT"""

import hashlib
import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = ("stoneware mug bowl plate linen cushion candle soy cedar glass vase notebook pen brass "
         "tea honey jam soap towel throw wool blanket lamp shade basket rattan tray oak walnut "
         "planter clay print poster frame").split()
COLOURS = "blue sand moss ochre grey white black rust sage rose teal plum".split()


def thumbnail_bytes():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "t.jpg"
        subprocess.run(["convert", "-size", "256x192", "gradient:steelblue-white", "-quality", "80", str(out)],
                       check=True)
        return out.read_bytes()


def main(library, count):
    rng = random.Random(7)
    thumb = thumbnail_bytes()
    conn = sqlite3.connect(Path(library) / "catalog.db")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    owner = conn.execute("SELECT id FROM users WHERE role = 'owner' ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE write_context SET actor_id = ? WHERE id = 1", (owner,))
    for i in range(count):
        name = f"{rng.choice(COLOURS).title()} {rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
        sku = f"SKU-{i:06d}"
        cur = conn.execute(
            "INSERT INTO products (sku, name, price_minor, currency, stock, status, owner_id) "
            "VALUES (?, ?, ?, 'USD', ?, 'active', ?)",
            (sku, name, rng.randint(100, 99999), rng.randint(0, 200), owner),
        )
        sha = hashlib.sha256(sku.encode()).hexdigest()
        conn.execute(
            "INSERT INTO originals (sha256, byte_size, mime, width, height, file_name) "
            "VALUES (?, 1000, 'image/jpeg', 1600, 1200, ?)", (sha, f"{sku}.jpg"))
        conn.execute("INSERT INTO thumbnails (sha256, bytes, mime, width, height) VALUES (?, ?, 'image/jpeg', 256, 192)",
                     (sha, thumb))
        conn.execute("INSERT INTO product_images (product_id, sha256, position) VALUES (?, ?, 0)", (cur.lastrowid, sha))
    conn.execute("UPDATE write_context SET actor_id = NULL WHERE id = 1")
    conn.commit()
    conn.execute("PRAGMA optimize")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
