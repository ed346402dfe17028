"""The Sphinx extension: generate the reference at ``builder-inited``; link to properties.

In ``conf.py``::

    extensions = [..., "tools.reference.sphinxext"]
    hub_deployer_config_dir = "../config"      # inventory page; None: no inventory
    hub_deployer_schemas = None                # None: the deployer's cluster, hub, chart
    hub_deployer_cli = "deployer.cli:cli"      # None: no CLI page
    hub_deployer_generated_dir = "reference/generated"
    hub_deployer_rule_pages = True             # planner, validation and audit rule tables
    hub_deployer_workflows_dir = "../.github/workflows"  # workflows page; None: none

Pages are written with :func:`deployer._fs.write_if_changed`, so a rebuild
that changes nothing touches no file and ``sphinx-autobuild`` does not loop.
A rebuild skips generation altogether when no source (schema, config file,
CLI module) and no generated page changed since the last build.
Generated pages get no "edit this page" link (they are not in git).
Relative paths are relative to the folder of ``conf.py``.  A schema that
cannot be documented (a property without a description, a broken ``$ref``)
is reported as an error naming the file, line and property (type
``reference``), which fails a strict (``-W``) build; no page is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["setup"]

logger = logging.getLogger(__name__)

_VERSION = "1.0"


def _path(app: Sphinx, value: str | Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else (Path(app.confdir) / path).resolve()


def _generate(app: Sphinx) -> None:
    from deployer._fs import write_if_changed  # noqa: PLC0415 (lazy: only when building)
    from deployer.errors import DeployerError  # noqa: PLC0415
    from tools.reference.generate import (  # noqa: PLC0415
        Sources,
        default_schemas,
        input_digest,
        outputs_state,
        outputs_unchanged,
        render_pages,
        write_pages,
    )

    config = app.config
    schemas_value: dict[str, str] | None = config.hub_deployer_schemas
    if schemas_value is None:
        schemas = default_schemas()
    else:
        schemas = {name: _path(app, file) for name, file in schemas_value.items()}
    config_dir = config.hub_deployer_config_dir
    workflows_dir = _path(app, config.hub_deployer_workflows_dir or ".")
    sources = Sources(
        schemas=schemas,
        cli=config.hub_deployer_cli,
        config_dir=_path(app, config_dir) if config_dir else None,
        label_root=Path(app.confdir).resolve().parent,
        rules=bool(config.hub_deployer_rule_pages),
        workflows_dir=(
            workflows_dir if config.hub_deployer_workflows_dir and workflows_dir.is_dir() else None
        ),
    )
    outdir = Path(app.srcdir) / config.hub_deployer_generated_dir
    # Rebuilds skip the work when no source and no generated page changed since the last
    # build; the state lives with the doctrees, so a clean build always generates.
    state_file = Path(app.doctreedir) / "hub-deployer-reference.json"
    digest = input_digest(sources)
    try:
        previous = state_file.read_text(encoding="utf-8")
    except OSError:
        previous = ""
    if previous and outputs_unchanged(outdir, previous, digest):
        return
    try:
        pages = render_pages(sources)
    except DeployerError as exc:  # a schema that cannot be documented, an invalid config
        # An error (not an exception): Sphinx shows it plainly, and -W fails the build.
        logger.error("%s", exc, type="reference", subtype="generation")  # noqa: TRY400 (no traceback wanted)
        state_file.unlink(missing_ok=True)
        return
    written = write_pages(outdir, pages)
    if written:
        logger.info("reference: wrote %d generated page(s) in %s", len(written), outdir)
    write_if_changed(state_file, outputs_state(outdir, list(pages), digest))


def _no_edit_button(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Hide the theme's "edit this page" link on generated pages: they are not in git."""
    del templatename, doctree
    folder = app.config.hub_deployer_generated_dir.strip("/") + "/"
    if pagename.startswith(folder):
        context["theme_use_edit_page_button"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the settings, the ``schema`` domain and the generator."""
    from tools.reference.domain import SchemaDomain  # noqa: PLC0415 (lazy: Sphinx-only import)

    app.add_config_value("hub_deployer_config_dir", None, "env", types=frozenset({str, type(None)}))
    app.add_config_value("hub_deployer_schemas", None, "env", types=frozenset({dict, type(None)}))
    app.add_config_value(
        "hub_deployer_cli", "deployer.cli:cli", "env", types=frozenset({str, type(None)})
    )
    app.add_config_value(
        "hub_deployer_generated_dir", "reference/generated", "env", types=frozenset({str})
    )
    app.add_config_value(
        "hub_deployer_rule_pages",
        True,  # noqa: FBT003 (Sphinx's signature: the default is positional)
        "env",
        types=frozenset({bool}),
    )
    app.add_config_value(
        "hub_deployer_workflows_dir",
        "../.github/workflows",
        "env",
        types=frozenset({str, type(None)}),
    )
    app.add_domain(SchemaDomain)
    app.connect("builder-inited", _generate)
    app.connect("html-page-context", _no_edit_button)
    return {
        "version": _VERSION,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
