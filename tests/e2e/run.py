"""Runs the end-to-end tests: every `test_*` function in the `test_*.py` modules here, each
in a fresh library with its own app launch. Prints one line per test and a final
`N passed, N failed`; exits 1 on any failure. A name filter may be given:
`python3 tests/e2e/run.py trash`."""

import importlib
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from harness import App  # noqa: E402


def tests(filter_text):
    for module_path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(module_path.stem)
        for name in dir(module):
            if name.startswith("test_") and filter_text in name:
                yield name, getattr(module, name)


def main():
    filter_text = sys.argv[1] if len(sys.argv) > 1 else ""
    passed, failed = [], []
    for name, test in tests(filter_text):
        started = time.time()
        app = App(name)
        try:
            test(app)
            passed.append(name)
            print(f"PASS {name} ({time.time() - started:.1f}s)", flush=True)
        except Exception:  # noqa: BLE001 - a failing test of any kind is reported, the rest run
            failed.append(name)
            try:
                if app.driver is not None:
                    app.shot("failure")
            except Exception:  # noqa: BLE001
                pass
            print(f"FAIL {name} ({time.time() - started:.1f}s)\n{traceback.format_exc()}", flush=True)
        finally:
            app.close()
    print(f"{len(passed)} passed, {len(failed)} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
