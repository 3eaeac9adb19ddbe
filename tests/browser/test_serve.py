"""book/adapting.md, "Publish": the command it shows serves the built book.

Runs after the builds (`make browser`): `python3 -m http.server --directory _build/html`
on a free port of 127.0.0.1 instead of 8000, fetches the first page, and stops the server.
"""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build/html"


def test_http_server_command_serves_the_book():
    if not (HTML / "index.html").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{HTML} is not built")
        pytest.skip(f"{HTML} is not built: run `make book` first")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["python3", "-m", "http.server", "--directory", "_build/html",
                             "--bind", "127.0.0.1", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, index = time.monotonic() + 20, None
        while index is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    index = response.read().decode()
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert 'url=book/intro.html"' in index                  # the site's entry redirects
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/book/intro.html", timeout=5) as r:
            page = r.read().decode()
        assert '<meta name="book-edition" content="instructor" />' in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
