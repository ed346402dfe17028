"""Documentation tools.

Reference pages generated from the schemas, the CLI and the config inventory;
the Diátaxis audit; and page generators for writers.
"""
