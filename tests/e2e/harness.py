"""What every end-to-end test needs: a fresh library folder, the app started through
tauri-driver/WebKitWebDriver on it, the `shelf` command line on the same library, real image
files, screenshots of each step, and waits that say what they waited for.

The app binary, the `shelf` binary and the output folder come from the environment that
scripts/e2e sets: SHELF_APP, SHELF_CLI, E2E_OUT.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions

APP = os.environ.get("SHELF_APP", "")
CLI = os.environ.get("SHELF_CLI", "")
OUT = Path(os.environ.get("E2E_OUT", "target/e2e"))
DRIVER_PORT, NATIVE_PORT = 4444, 4445
WAIT_SECONDS = 15


def wait_port(port, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds}s")


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class App:
    """One test's world: library folder, tauri-driver, WebDriver session."""

    def __init__(self, name, library=None, ports=(DRIVER_PORT, NATIVE_PORT)):
        """`ports`: tauri-driver's and WebKitWebDriver's; a second window in one test needs
        its own pair."""
        self.name = name
        self.ports = ports
        self.keep_library = library is not None
        self.library = Path(library) if library else Path(tempfile.mkdtemp(prefix=f"shelf-e2e-{name}-"))
        self.files = Path(tempfile.mkdtemp(prefix=f"shelf-e2e-files-{name}-"))
        self.shots = OUT / name
        shutil.rmtree(self.shots, ignore_errors=True)
        self.shots.mkdir(parents=True, exist_ok=True)
        self.step = 0
        self.driver_proc = None
        self.driver = None
        self.log = open(self.shots / "tauri-driver.log", "w")
        # The catalog exists before the window opens, so tests can seed it with the CLI.
        if not self.keep_library:
            self.shelf("init")

    @classmethod
    def existing(cls, name):
        """An app on the library named by $SHELF_BENCH_LIBRARY, which is kept afterwards."""
        return cls(name, os.environ["SHELF_BENCH_LIBRARY"])

    # --- life cycle -------------------------------------------------------------------
    def launch(self):
        driver_port, native_port = self.ports
        for port in self.ports:
            deadline = time.time() + 10
            while not port_free(port) and time.time() < deadline:
                time.sleep(0.2)
        env = dict(os.environ, SHELF_LIBRARY=str(self.library))
        self.driver_proc = subprocess.Popen(
            ["tauri-driver", "--port", str(driver_port), "--native-port", str(native_port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        wait_port(driver_port)
        wait_port(native_port)
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": APP})
        self.driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{driver_port}", options=options)
        self.wait_for(lambda: self.js("return document.readyState") == "complete", "the page to load")
        return self

    def close(self):
        try:
            if self.driver is not None:
                self.driver.quit()
        except WebDriverException:
            pass
        if self.driver_proc is not None:
            # SIGTERM, not SIGKILL: WebKitWebDriver must release its session.
            self.driver_proc.send_signal(signal.SIGTERM)
            try:
                self.driver_proc.wait(10)
            except subprocess.TimeoutExpired:
                self.driver_proc.kill()
        self.log.close()
        shutil.rmtree(self.files, ignore_errors=True)
        if not self.keep_library:
            shutil.rmtree(self.library, ignore_errors=True)

    # --- the command line on the same library ----------------------------------------
    def shelf(self, *args, check=True):
        result = subprocess.run(
            [CLI, "--library", str(self.library), "--json", *args],
            capture_output=True, text=True, timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"shelf {' '.join(args)} failed: {result.stderr or result.stdout}")
        return json.loads(result.stdout) if result.stdout.strip() else None

    def add_product(self, sku, name, price="9.99", stock="5"):
        return self.shelf("product", "add", "--sku", sku, "--name", name, "--price", price, "--stock", stock,
                          "--status", "active")

    def product(self, sku):
        return self.shelf("product", "show", sku)

    def product_count(self):
        return self.shelf("stats")["products"]

    # --- real image files ---------------------------------------------------------------
    def photo(self, file_name, color="steelblue", size="800x600"):
        path = self.files / file_name
        subprocess.run(["convert", "-size", size, f"gradient:{color}-white", "-quality", "85", str(path)], check=True)
        return str(path)

    def corrupt_file(self, file_name):
        path = self.files / file_name
        path.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG " + os.urandom(200))
        return str(path)

    # --- the page ---------------------------------------------------------------------
    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait_for(self, condition, what, seconds=WAIT_SECONDS):
        deadline = time.time() + seconds
        last_error = None
        while time.time() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except WebDriverException as err:
                last_error = err
            time.sleep(0.1)
        self.shot("timeout")
        raise AssertionError(f"timed out after {seconds}s waiting for {what}" + (f" ({last_error})" if last_error else ""))

    def testids(self, testid):
        return self.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def testid(self, testid):
        return self.wait_for(lambda: next((e for e in self.testids(testid) if e.is_displayed()), None),
                             f'[data-testid="{testid}"] to be shown')

    def card(self, sku):
        return self.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="product-card"][data-sku="{sku}"]')

    def wait_card(self, sku):
        return self.wait_for(lambda: next(iter(self.card(sku)), None), f"the card of {sku}")

    def wait_no_card(self, sku):
        self.wait_for(lambda: not self.card(sku), f"the card of {sku} to go away")

    def card_skus(self):
        return [e.get_attribute("data-sku") for e in self.testids("product-card")]

    def fill(self, testid, text):
        field = self.testid(testid)
        field.clear()
        # clear() doesn't always fire `input` in WebKit; select-all + type does.
        self.js("arguments[0].select && arguments[0].select()", field)
        field.send_keys(text)
        return field

    def alert_next_to(self, testid):
        """The text of the role=alert message in the same field group as the input."""
        return self.js(
            """
            const field = document.querySelector(`[data-testid="${arguments[0]}"]`);
            let el = field;
            for (let i = 0; el && i < 4; i++, el = el.parentElement) {
              const alert = el.querySelector('[role="alert"]');
              if (alert && alert.textContent.trim()) return alert.textContent.trim();
            }
            return null;
            """,
            testid,
        )

    def drop(self, paths, x=640, y=400):
        """What the window receives from a file drop (WebDriver can't drop OS files): the
        same event, emitted from the page (allowed only in `e2e` builds)."""
        error = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            window.__TAURI_INTERNALS__.invoke('plugin:event|emit_to', {
              target: {kind: 'AnyLabel', label: 'main'}, event: 'tauri://drag-drop',
              payload: {paths: arguments[0], position: {x: arguments[1], y: arguments[2]}},
            }).then(() => done(null), (e) => done(String(e)));
            """,
            paths, x, y,
        )
        if error:
            raise AssertionError(f"emitting the drop failed: {error}")

    def confirm_native_dialog(self, title):
        """Presses the confirming button of the app's native dialog titled `title` (WebDriver
        can't reach it; xdotool types into it as a seller would)."""
        found = subprocess.run(["xdotool", "search", "--sync", "--name", title], capture_output=True, text=True,
                               timeout=WAIT_SECONDS)
        window = found.stdout.split()[-1] if found.stdout.split() else None
        if window is None:
            raise AssertionError(f"no native dialog titled {title!r}")
        # Xvfb runs no window manager: give the dialog the keyboard focus directly, then press
        # Return as real (XTEST) key events, which GTK takes (it ignores sent ones). The
        # confirming button is the dialog's first, where its focus starts.
        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True, timeout=WAIT_SECONDS)
        time.sleep(0.3)
        subprocess.run(["xdotool", "key", "Return"], check=True, timeout=WAIT_SECONDS)

    def open_screen(self, label):
        """Clicks the sidebar entry named `label` (Settings, Integrity check...)."""
        self.js("""[...document.querySelectorAll('nav[aria-label="Screens"] button')]
                   .find(b => b.textContent.trim() === arguments[0]).click()""", label)

    def center_of(self, element):
        rect = self.js("const r = arguments[0].getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];", element)
        ratio = self.js("return window.devicePixelRatio || 1")
        return rect[0] * ratio, rect[1] * ratio

    def shot(self, label):
        self.step += 1
        path = self.shots / f"{self.step:02d}-{label}.png"
        try:
            self.driver.save_screenshot(str(path))
        except WebDriverException:
            subprocess.run(["import", "-window", "root", str(path)], check=False)
        return path
