"""Validate a config root: every file against its schema, plus the rules that span files.

:func:`validate_config` collects every problem in every file into one
:class:`Report` (one bad file never hides another); :func:`format_text` and
:func:`format_json` turn it into what ``deployer validate`` prints.  The
rules and their ids are listed in :data:`RULES`.
"""

from deployer.validate._check import validate_config
from deployer.validate._report import Problem, Report, format_json, format_text, json_path
from deployer.validate._rules import RULES, Severity

__all__ = [
    "RULES",
    "Problem",
    "Report",
    "Severity",
    "format_json",
    "format_text",
    "json_path",
    "validate_config",
]
