"""Headless Chromium driven over the DevTools protocol: load a page, collect every console error
and exception, query the DOM, take a screenshot. Chromium comes from Debian's ``chromium`` package
(.ci/ensure-chromium installs it)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from websockets.sync.client import connect

LISTENING = re.compile(r"DevTools listening on (ws://127\.0\.0\.1:(\d+)/\S+)")
START_TIMEOUT_S = 30.0


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@dataclass
class PageResult:
    console_errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def load(page: Path, expressions: dict[str, str], screenshot: Path | None = None,
         width: int = 1280, height: int = 2000) -> PageResult:
    binary = chromium_binary()
    assert binary is not None, "chromium is not installed (run .ci/ensure-chromium)"
    with tempfile.TemporaryDirectory(prefix="ocr-chromium-") as profile:
        proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            port = _wait_for_port(proc)
            target = requests.put(f"http://127.0.0.1:{port}/json/new?about:blank", timeout=10).json()
            return _drive(target["webSocketDebuggerUrl"], page, expressions, screenshot, width, height)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_for_port(proc: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + START_TIMEOUT_S
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode} before listening")
        match = LISTENING.search(line)
        if match:
            return int(match.group(2))
    raise RuntimeError("chromium did not open its DevTools port")


def _drive(ws_url: str, page: Path, expressions: dict[str, str], screenshot: Path | None,
           width: int, height: int) -> PageResult:
    result = PageResult()
    with connect(ws_url, max_size=64 * 2**20) as ws:
        counter = iter(range(1, 10**6))

        def send(method: str, **params: Any) -> dict[str, Any]:
            ident = next(counter)
            ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv(timeout=30))
                _collect(message, result)
                if message.get("id") == ident:
                    if "error" in message:
                        raise RuntimeError(f"{method}: {message['error']}")
                    return dict(message.get("result", {}))

        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            send(domain)
        send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        send("Page.navigate", url=page.resolve().as_uri())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message = json.loads(ws.recv(timeout=30))
            _collect(message, result)
            if message.get("method") == "Page.loadEventFired":
                break
        for name, expression in expressions.items():
            answer = send("Runtime.evaluate", expression=expression, returnByValue=True)
            result.values[name] = answer.get("result", {}).get("value")
        if screenshot is not None:
            shot = send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
    return result


def _collect(message: dict[str, Any], result: PageResult) -> None:
    method = message.get("method")
    params = message.get("params", {})
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        result.console_errors.append(json.dumps(params.get("args"))[:300])
    elif method == "Runtime.exceptionThrown":
        result.console_errors.append(str(params.get("exceptionDetails", {}).get("text")))
    elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
        result.console_errors.append(str(params["entry"].get("text")))
