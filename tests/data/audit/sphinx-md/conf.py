"""A tiny Sphinx project the audit tests read (and build)."""

project = "tidepool"
extensions = ["myst_parser"]
root_doc = "index"
exclude_patterns = ["_build"]
