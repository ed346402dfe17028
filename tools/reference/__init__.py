"""Reference pages generated from the project's sources of truth.

- :mod:`tools.reference.schema`: a JSON Schema → a MyST page, one section and
  anchor per property;
- :mod:`tools.reference.cli`: the click command tree → a MyST page;
- :mod:`tools.reference.inventory`: the config tree → a table of clusters and hubs;
- :mod:`tools.reference.planner`, :mod:`tools.reference.validation`,
  :mod:`tools.reference.audit`: the planner's rules and labels, the rules of
  ``deployer validate``, the audit's signals, verdicts and gap kinds, each read
  from the table its module declares;
- :mod:`tools.reference.workflows`: ``.github/workflows/`` → jobs, steps, secrets' names;
- :mod:`tools.reference.sphinxext`: the Sphinx extension that runs them at
  ``builder-inited`` and adds the ``schema`` domain (``{schema:prop}`` links);
- ``python -m tools.reference [--check] OUTDIR``: the same from the command line.
"""

from tools.reference._errors import GenerationError
from tools.reference.generate import (
    Sources,
    default_schemas,
    render_pages,
    stale_pages,
    write_pages,
)

__all__ = [
    "GenerationError",
    "Sources",
    "default_schemas",
    "render_pages",
    "stale_pages",
    "write_pages",
]
