"""``python -m tools.audit``: see :mod:`tools.audit._cli`."""

from __future__ import annotations

from tools.audit._cli import main

raise SystemExit(main())
