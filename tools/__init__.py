"""Documentation tools: reference pages generated from the schemas, CLI and config; the Diátaxis audit."""
