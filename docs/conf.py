"""Sphinx configuration of the hub-deployer documentation site.

The site builds offline: no intersphinx, no remote fonts or scripts.  The
project's own extensions (reference generation and the ``schema`` domain;
the Diátaxis audit) can be switched off with ``HUB_DOCS_NO_EXTENSIONS=1``
(or ``=audit``, ``=reference`` for one of them), which the benchmarks use to
measure what they cost.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
if str(ROOT) not in sys.path:  # the local extensions live in tools/
    sys.path.insert(0, str(ROOT))

from deployer.schemas import SCHEMA_NAMES  # noqa: E402 (after the path is set)
from tools.reference import audit, limits, planner, validation, workflows  # noqa: E402

project = "hub-deployer"
author = "The hub-deployer maintainers"
copyright = "the hub-deployer maintainers"
language = "en"

#: The repository on GitHub, ``owner/name``: the one setting behind "Edit on GitHub" and the
#: header's GitHub icon, which are not shown without it.  GitHub Actions sets
#: ``GITHUB_REPOSITORY``; ``DOCS_GITHUB_REPOSITORY`` overrides it (or sets it for a local build).
GITHUB_REPOSITORY = os.environ.get("DOCS_GITHUB_REPOSITORY") or os.environ.get(
    "GITHUB_REPOSITORY", ""
)
GITHUB_USER, _, GITHUB_REPO = GITHUB_REPOSITORY.partition("/")

# -- extensions -------------------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx_copybutton",
]
OWN_EXTENSIONS = {
    "reference": "tools.reference.sphinxext",  # generated reference, {schema:prop} links
    "audit": "tools.audit.sphinxext",  # Diátaxis audit: warnings, reference/generated/docs-health
}
# HUB_DOCS_NO_EXTENSIONS=1 switches them all off; "audit" (or "reference", comma-separated)
# switches off only those.  The benchmarks measure what each costs this way.
_OFF = {word.strip() for word in os.environ.get("HUB_DOCS_NO_EXTENSIONS", "").split(",")}
extensions += [
    module for name, module in OWN_EXTENSIONS.items() if not _OFF & {"1", "true", "yes", name}
]

# Where the reference generator reads from (relative to this folder).
hub_deployer_config_dir = "../config"
hub_deployer_cli = "deployer.cli:cli"
hub_deployer_schemas = None  # the deployer's own: cluster, hub, chart
hub_deployer_generated_dir = "reference/generated"

# -- sources ----------------------------------------------------------------------------------

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_linkcheck", "**/.*", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
nitpicky = True

myst_enable_extensions = [
    "attrs_block",
    "attrs_inline",
    "colon_fence",
    "deflist",
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3
myst_substitutions = {
    "project": project,
    "cli": "`deployer`",
}

# -- output -----------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = "hub-deployer"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

html_context = {"default_mode": "auto"}
if GITHUB_REPO:
    html_context |= {
        "github_user": GITHUB_USER,
        "github_repo": GITHUB_REPO,
        "github_version": "main",
        "doc_path": "docs",
    }

#: The pages the extensions generate (exact names: they override the "**" pattern below).
GENERATED_PAGES = [
    *(f"schema-{name}" for name in SCHEMA_NAMES),
    "cli",
    "inventory",
    "docs-health",
    *(Path(module.PAGE).stem for module in (audit, limits, planner, validation, workflows)),
]
EDIT_LINK = ["edit-this-page"] if GITHUB_REPO else []

html_theme_options = {
    "navbar_start": ["navbar-logo"],
    "navbar_center": ["navbar-nav"],
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "navbar_persistent": ["search-button"],
    "header_links_before_dropdown": 4,
    "use_edit_page_button": bool(GITHUB_REPO),
    "icon_links": [
        {
            "name": "GitHub",
            "url": f"https://github.com/{GITHUB_REPOSITORY}",
            "icon": "fa-brands fa-github",
            "type": "fontawesome",
        },
    ]
    if GITHUB_REPO
    else [],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": {
        "**": ["page-toc", *EDIT_LINK],
        "index": [],  # the landing page's cards use the full width
        # Generated pages are not in git: editing them on GitHub would lead nowhere.
        **{f"reference/generated/{name}": ["page-toc"] for name in GENERATED_PAGES},
    },
}

copybutton_prompt_text = "$ "
copybutton_only_copy_prompt_lines = True
