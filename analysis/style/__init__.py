"""House style of the CSR: tables (great-tables), figures (matplotlib), listings."""
