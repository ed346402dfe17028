"""The pull-request labels the planner understands, in one place.

Labels are given to ``deployer plan-upgrade --labels`` as a JSON list of
label names.  Labels that do not start with ``deployer:`` are ignored (pull
requests carry many labels); an unknown ``deployer:`` label is reported in
the plan's notes.  Precedence: ``skip-deploy`` beats everything, and
``skip-hub-deploys`` beats ``deploy-hubs``.
"""

from __future__ import annotations

from deployer._json import parse_json
from deployer.errors import UsageError

__all__ = [
    "DEPLOY_HUBS",
    "DEPLOY_SUPPORT",
    "LABELS",
    "PREFIX",
    "SKIP_DEPLOY",
    "SKIP_HUB_DEPLOYS",
    "parse_labels",
]

PREFIX = "deployer:"
SKIP_DEPLOY = "deployer:skip-deploy"
SKIP_HUB_DEPLOYS = "deployer:skip-hub-deploys"
DEPLOY_SUPPORT = "deployer:deploy-support"
DEPLOY_HUBS = "deployer:deploy-hubs"

#: Every label and what it does.
LABELS: dict[str, str] = {
    SKIP_DEPLOY: "Deploy nothing: the support, staging and prod lists are empty.",
    SKIP_HUB_DEPLOYS: "Deploy no hubs; support releases are still deployed.",
    DEPLOY_SUPPORT: "Deploy the support release of every cluster.",
    DEPLOY_HUBS: "Deploy every hub of every cluster, staging hubs first.",
}


def parse_labels(text: str) -> tuple[str, ...]:
    """Parse ``--labels``: a JSON list of label names (``null`` or ``""`` mean none)."""
    if not text.strip():
        return ()
    expected = f"a JSON list of label names, e.g. '[\"{SKIP_DEPLOY}\"]'"
    data = parse_json(text, "--labels", expected=expected, line=None)
    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        msg = f"--labels must be a JSON list of strings, e.g. '[\"{SKIP_DEPLOY}\"]'"
        raise UsageError(msg)
    return tuple(data)
