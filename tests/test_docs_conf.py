"""docs/conf.py: the repository's address is one setting, and without it no GitHub link is shown."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).parent.parent / "docs" / "conf.py"


def conf(monkeypatch, **env: str) -> dict:
    for name in ("DOCS_GITHUB_REPOSITORY", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def _edit_links(values: dict) -> set[str]:
    sidebars = values["html_theme_options"]["secondary_sidebar_items"]
    return {page for page, items in sidebars.items() if "edit-this-page" in items}


def test_without_a_repository_no_github_link_is_shown(monkeypatch):
    values = conf(monkeypatch)
    options = values["html_theme_options"]
    assert options["icon_links"] == []
    assert options["use_edit_page_button"] is False
    assert _edit_links(values) == set()
    assert "github_user" not in values["html_context"]


@pytest.mark.parametrize("variable", ["GITHUB_REPOSITORY", "DOCS_GITHUB_REPOSITORY"])
def test_the_repository_setting_gives_the_icon_and_the_edit_links(monkeypatch, variable):
    values = conf(monkeypatch, **{variable: "example-org/hubs"})
    options = values["html_theme_options"]
    assert [link["url"] for link in options["icon_links"]] == [
        "https://github.com/example-org/hubs"
    ]
    assert options["use_edit_page_button"] is True
    assert (values["html_context"]["github_user"], values["html_context"]["github_repo"]) == (
        "example-org",
        "hubs",
    )
    assert _edit_links(values) == {"**"}  # generated pages, not in git, get none


def test_every_generated_page_is_kept_from_the_edit_link(monkeypatch):
    from tools.reference.generate import Sources, default_schemas, render_pages  # noqa: PLC0415

    root = CONF.parent.parent
    sources = Sources(
        schemas=default_schemas(),
        cli="deployer.cli:cli",
        config_dir=root / "config",
        label_root=root,
        rules=True,
        workflows_dir=root / ".github" / "workflows",
    )
    generated = {Path(name).stem for name in render_pages(sources)} | {"docs-health"}
    values = conf(monkeypatch, GITHUB_REPOSITORY="example-org/hubs")
    sidebars = values["html_theme_options"]["secondary_sidebar_items"]
    assert {f"reference/generated/{name}" for name in generated} <= set(sidebars)
