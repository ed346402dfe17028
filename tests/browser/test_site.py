"""The built site, read in headless Chromium as a reader would (``nox -s browser``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _in_viewport(page, element_id: str) -> bool:
    return page.evaluate(
        """(id) => {
            const el = document.getElementById(id);
            if (!el) return false;
            const box = el.getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
        }""",
        element_id,
    )


def test_landing_page_shows_four_cards_and_is_saved_as_a_screenshot(page, site_url) -> None:
    page.goto(site_url)
    cards = page.locator(".sd-card")
    assert cards.count() == 4
    titles = [t.strip() for t in page.locator(".sd-card .sd-card-title").all_inner_texts()]
    assert titles == ["Tutorials", "How-to guides", "Reference", "Explanation"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "landing.png"), full_page=True)
    assert (ARTIFACTS / "landing.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("card", "path", "heading"),
    [
        ("Tutorials", "tutorials/index.html", "Tutorials"),
        ("How-to guides", "how-to/index.html", "How-to guides"),
        ("Reference", "reference/index.html", "Reference"),
        ("Explanation", "explanation/index.html", "Explanation"),
    ],
)
def test_each_card_leads_to_its_section(page, site_url, card, path, heading) -> None:
    page.goto(site_url)
    page.locator(".sd-card", has_text=card).click()
    page.wait_for_url(site_url + path)
    assert page.locator("article h1").first.inner_text().strip().rstrip("#¶ ") == heading


def test_the_navbar_lists_the_four_sections(page, site_url) -> None:
    page.goto(site_url)
    links = page.locator(".bd-header .navbar-nav a.nav-link").all_inner_texts()
    assert [t.strip() for t in links] == ["Tutorials", "How-to guides", "Reference", "Explanation"]


def test_search_finds_a_property_by_name_and_opens_its_section(page, site_url) -> None:
    page.goto(site_url)
    page.locator("button.search-button-field, button.search-button").first.click()
    box = page.locator("input[name='q']:visible").first
    box.fill("values_files")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*search\.html\?q=values_files.*"))
    result = page.locator("#search-results a", has_text="hubs[].values_files").first
    result.wait_for()
    result.click()
    page.wait_for_url(re.compile(r".*schema-cluster\.html.*#cluster-hubs-values-files$"))
    page.wait_for_function("location.hash === '#cluster-hubs-values-files'")
    assert _in_viewport(page, "cluster-hubs-values-files")


def test_a_property_link_lands_on_the_property_section(page, site_url) -> None:
    page.goto(site_url + "how-to/add-a-hub.html")
    page.locator("article a", has_text="hubs[].stage").first.click()
    page.wait_for_url(site_url + "reference/generated/schema-cluster.html#cluster-hubs-stage")
    assert _in_viewport(page, "cluster-hubs-stage")
    heading = page.locator("#cluster-hubs-stage > :is(h1, h2, h3, h4, h5, h6)").first
    assert heading.inner_text().strip().rstrip("#¶ ") == "hubs[].stage"


@pytest.mark.parametrize("first", ["dark", "light"])
def test_the_theme_switch_changes_data_theme(page, site_url, first) -> None:
    """Colour mode menu in the navbar: Dark sets data-theme="dark", Light sets it back."""
    page.goto(site_url)
    html = page.locator("html")
    for mode in (first, "light" if first == "dark" else "dark"):
        page.locator(".theme-switch-button:visible").first.click()
        page.locator(f".theme-change-button[data-mode='{mode}']:visible").first.click()
        page.wait_for_function(f"document.documentElement.dataset.theme === '{mode}'")
        assert html.get_attribute("data-theme") == mode
        assert html.get_attribute("data-mode") == mode
