"""Documentation tools: reference generation from the schemas, CLI and config, and the Diátaxis audit."""
