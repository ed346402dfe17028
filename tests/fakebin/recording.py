"""Put the recording fakes of helm, kubectl, sops, gcloud, aws and az on PATH.

``install(monkeypatch, tmp_path)`` makes a bin folder holding the chosen
fakes (all by default) and makes it the whole PATH, so no real program can
be reached; the returned :class:`Fakes` reads what they recorded.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PROGRAMS = ("helm", "kubectl", "sops", "gcloud", "aws", "az")


@dataclass
class Fakes:
    bindir: Path
    log: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def commands(self) -> list[list[str]]:
        return [[call["program"], *call["argv"]] for call in self.calls()]


def install(monkeypatch, tmp_path: Path, programs=PROGRAMS) -> Fakes:
    bindir = tmp_path / "fakebin"
    bindir.mkdir(exist_ok=True)
    for program in programs:
        shutil.copy2(HERE / program, bindir / program)
    log = tmp_path / "fake-calls.jsonl"
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("FAKE_PYTHON", sys.executable)
    monkeypatch.setenv("FAKE_IMPL", str(HERE / "_fake.py"))
    monkeypatch.delenv("FAKE_FAIL", raising=False)
    monkeypatch.delenv("KUBECONFIG", raising=False)
    return Fakes(bindir, log)
