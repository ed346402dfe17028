"""A recording stand-in for helm, kubectl, sops, gcloud, aws and az.

Each call appends one JSON line to $FAKE_LOG: the program, its arguments,
KUBECONFIG, and for every file argument whether it exists and its mode.
Behaviour is steered by environment variables:

FAKE_FAIL       space-separated PROGRAM or PROGRAM:WORD items; the call fails
                (exit 1, a message on stderr) when its program matches and
                WORD (if given) is one of its arguments
FAKE_SECRET     the value sops "decrypts" every ENC[...] value to
FAKE_SLEEP      seconds helm waits before it answers (a slow upgrade)
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from pathlib import Path

import yaml


def _file_info(args: list[str]) -> dict[str, dict[str, object]]:
    info: dict[str, dict[str, object]] = {}
    for arg in args:
        path = Path(arg)
        if arg.startswith("/") and path.exists() and path.is_file():
            info[arg] = {
                "mode": oct(path.stat().st_mode & 0o777),
                "dir_mode": oct(path.parent.stat().st_mode & 0o777),
            }
    return info


def _decrypt(data: object, secret: str) -> object:
    if isinstance(data, dict):
        return {k: _decrypt(v, secret) for k, v in data.items() if k != "sops"}
    if isinstance(data, list):
        return [_decrypt(v, secret) for v in data]
    if isinstance(data, str) and data.startswith("ENC["):
        return secret
    return data


def _merge(base: object, extra: object) -> object:
    if isinstance(base, dict) and isinstance(extra, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in extra.items()}}
    return extra


def _helm_debug(args: list[str]) -> str:
    """Print what helm --debug prints: the values, re-serialised, and the manifests that hold them.

    Like helm, it does so even when the release fails.
    """
    values: object = {}
    for index, arg in enumerate(args):
        if arg == "--values":
            values = _merge(values, yaml.safe_load(Path(args[index + 1]).read_text("utf-8")))
    dumped = yaml.safe_dump(values)
    secret = base64.b64encode(dumped.encode()).decode()
    return (
        f"NAME: {args[2]}\nSTATUS: deployed\n"
        f"USER-SUPPLIED VALUES:\n{dumped}\n"
        f"COMPUTED VALUES:\n{json.dumps(values, indent=2)}\n"
        "HOOKS:\nMANIFEST:\n---\n# Source: jupyterhub/templates/hub/secret.yaml\n"
        f"kind: Secret\ndata:\n  values.yaml: {secret}\n"
        "NOTES:\nThank you for installing JupyterHub!\n"
    )


def _fails(program: str, args: list[str]) -> bool:
    for item in os.environ.get("FAKE_FAIL", "").split():
        name, _, word = item.partition(":")
        if name == program and (not word or word in args):
            return True
    return False


def main() -> int:
    program, args = sys.argv[1], sys.argv[2:]
    record = {
        "program": program,
        "argv": args,
        "kubeconfig": os.environ.get("KUBECONFIG"),
        "files": _file_info(args),
    }
    with Path(os.environ["FAKE_LOG"]).open("a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
    secret = os.environ.get("FAKE_SECRET", "fake-decrypted-secret")
    if program == "helm" and "--debug" in args:
        sys.stdout.write(_helm_debug(args))
    if _fails(program, args):
        sys.stderr.write(f"Error: {program} failed on purpose (FAKE_FAIL)\n")
        return 1
    if program == "sops" and "--decrypt" in args:
        out = args[args.index("--output") + 1] if "--output" in args else None
        data = yaml.safe_load(Path(args[-1]).read_text(encoding="utf-8"))
        text = yaml.safe_dump(_decrypt(data, secret))
        if out is None:
            sys.stdout.write(text)
        else:
            Path(out).write_text(text, encoding="utf-8")
    elif program == "helm":
        time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
        sys.stdout.write(f'Release "{args[2]}" has been upgraded. Happy Helming!\n')
    elif program == "kubectl":
        sys.stdout.write('deployment "hub" successfully rolled out' + "\n")
    elif program in {"gcloud", "aws", "az"}:
        target = args[args.index("--file") + 1] if "--file" in args else os.environ["KUBECONFIG"]
        Path(target).write_text("apiVersion: v1\nkind: Config\n", encoding="utf-8")
        sys.stdout.write("Fetching cluster endpoint and auth data." + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
