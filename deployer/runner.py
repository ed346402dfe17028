"""Run external programs: the one place where the deployer starts a process.

Every call to helm, kubectl, sops, git or a cloud CLI goes through
:class:`Runner`, and this is the only module of :mod:`deployer` that imports
:mod:`subprocess`.  The runner

* finds the program with :func:`shutil.which` and raises
  :class:`~deployer.errors.ProgramNotFoundError` naming it and saying how to
  install it;
* logs the command, quoted with :func:`shlex.join`, on the ``deployer.runner``
  logger, with every known secret value replaced by ``<redacted>``;
* raises :class:`~deployer.errors.ExternalProgramError` with the exit code
  and the (redacted) output when the program fails;
* in dry-run mode looks nothing up and runs nothing: it records the exact
  command lines, which the CLI prints.

Secret values become known to the runner through its :class:`Redactor`:
whoever decrypts a file (see :mod:`deployer.secrets`) adds the decrypted
values to it before anything else can print them.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from deployer.errors import ExternalProgramError, ProgramNotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

__all__ = ["INSTALL_HINTS", "REDACTED", "CommandResult", "Redactor", "Runner"]

logger = logging.getLogger("deployer.runner")

#: What replaces a secret value in logs, errors and printed commands.
REDACTED = "<redacted>"

#: Secret values shorter than this are not searched for in output: replacing
#: every ``1`` or ``on`` would make logs unreadable and protect nothing.
MIN_SECRET_LENGTH = 4

#: How to install each program the deployer runs.
INSTALL_HINTS: dict[str, str] = {
    "helm": "install Helm 3: https://helm.sh/docs/intro/install/",
    "kubectl": "install kubectl: https://kubernetes.io/docs/tasks/tools/",
    "sops": "install sops: https://github.com/getsops/sops/releases",
    "gcloud": "install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install",
    "aws": "install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
    "az": "install the Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli",
    "git": "install git: https://git-scm.com/downloads",
}


def _serialised_forms(text: str) -> Iterator[str]:
    """Yield *text* as programs print it back: as is, escaped, quoted or encoded.

    A program that echoes a value seldom prints it byte for byte: JSON
    escapes quotes and non-ASCII letters, YAML doubles single quotes and
    escapes in double quotes, and a Kubernetes Secret holds it in base64.
    (YAML also folds long values over lines: :class:`Redactor` matches any
    run of white space in a form against any other, line breaks included.)
    """
    yield text
    for ascii_only in (True, False):
        yield json.dumps(text, ensure_ascii=ascii_only)[1:-1]
        for style in ('"', "'"):
            dumped = yaml.safe_dump(
                text, default_style=style, allow_unicode=not ascii_only, width=sys.maxsize
            )
            yield dumped.strip()[1:-1]
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        yield encode(text.encode()).decode().rstrip("=")


#: What may stand between two words of a secret printed folded over lines:
#: white space, line breaks, and the backslash YAML ends a folded line with.
_FOLD = r"(?:\s|\\)+"


class Redactor:
    """Remembers secret values and replaces them in any text."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        """Start with *secrets* (more can be added later)."""
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, value: object) -> None:
        """Remember *value*, each of its lines, and every form a program may print it in."""
        text = str(value)
        for part in (text, *text.splitlines()):
            for form in _serialised_forms(part.strip()):
                stripped = form.strip()
                if len(stripped) >= MIN_SECRET_LENGTH:
                    self._secrets.add(stripped)
                    self._pattern = None

    def add_leaves(self, data: object) -> None:
        """Remember every scalar leaf of parsed YAML/JSON *data* as secret."""
        if isinstance(data, dict):
            for value in data.values():
                self.add_leaves(value)
        elif isinstance(data, list):
            for item in data:
                self.add_leaves(item)
        elif data is not None and not isinstance(data, bool):
            self.add(data)

    def __bool__(self) -> bool:
        """Tell whether at least one secret is known."""
        return bool(self._secrets)

    def __call__(self, text: str) -> str:
        """Return *text* with every known secret replaced by ``<redacted>``."""
        if not self._secrets or not text:
            return text
        if self._pattern is None:
            longest_first = sorted(self._secrets, key=len, reverse=True)
            forms = (_FOLD.join(map(re.escape, form.split())) for form in longest_first)
            self._pattern = re.compile("|".join(forms))
        return self._pattern.sub(REDACTED, text)


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a finished program left behind (output already redacted)."""

    args: tuple[str, ...]
    returncode: int
    output: str


@dataclass
class Runner:
    """Runs external programs, or in dry-run mode only records them.

    *env* holds extra environment variables given to every program (on top
    of the current environment).  In dry-run mode :attr:`commands` collects
    the command lines, each prefixed with the extra variables it would get.
    """

    dry_run: bool = False
    redactor: Redactor = field(default_factory=Redactor)
    env: dict[str, str] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)

    def which(self, program: str) -> str:
        """Return the full path of *program* or raise ProgramNotFoundError."""
        found = shutil.which(program)
        if found is None:
            hint = INSTALL_HINTS.get(program, f"install {program} and put it on PATH")
            msg = f"{program} is required but was not found on PATH: {hint}"
            raise ProgramNotFoundError(msg)
        return found

    def quote(self, args: Sequence[str], env: Mapping[str, str] | None = None) -> str:
        """Return the command line as a shell would read it, secrets redacted."""
        extra = {**self.env, **(env or {})}
        prefix = [f"{key}={shlex.quote(value)}" for key, value in extra.items()]
        return self.redactor(" ".join([*prefix, shlex.join(args)]))

    def run(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        separate_stderr: bool = False,
        withhold: Callable[[str], str] | None = None,
    ) -> CommandResult:
        """Run *args* (program first), log it, and return its result.

        Standard output and standard error are captured together (or, with
        *separate_stderr*, standard output alone, for output that is parsed),
        passed through *withhold* (which cuts out parts no one may see, such
        as values a program echoes), redacted, and logged at DEBUG level line
        by line.  A non-zero exit raises
        ExternalProgramError unless *check* is false.  In dry-run mode the
        command is only recorded and a successful empty result returned.
        """
        line = self.quote(args, env)
        if self.dry_run:
            self.commands.append(line)
            logger.debug("(dry run) $ %s", line)
            return CommandResult(tuple(args), 0, "")
        executable = self.which(args[0])
        logger.info("$ %s", line)
        full_env = {**os.environ, **self.env, **(env or {})}
        try:
            completed = subprocess.run(  # noqa: PLW1510 (the exit status is checked below)
                [executable, *args[1:]],
                env=full_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE if separate_stderr else subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
            )
        except OSError as exc:
            msg = f"could not start {args[0]}: {exc.strerror}"
            raise ExternalProgramError(msg, returncode=127) from None
        hidden = withhold or (lambda text: text)
        output = self.redactor(hidden(completed.stdout or ""))
        errors = self.redactor(hidden(completed.stderr or ""))
        for out_line in (output + errors).splitlines():
            logger.debug("  %s", out_line)
        result = CommandResult(tuple(args), completed.returncode, output)
        if check and completed.returncode != 0:
            shown = (output + errors).rstrip()
            msg = f"{args[0]} failed with exit code {completed.returncode}: {line}"
            if shown.strip():
                msg = f"{msg}\n{shown}"
            raise ExternalProgramError(msg, returncode=completed.returncode, output=shown)
        return result
