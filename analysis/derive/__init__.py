"""Pure derivations, one module per SAP 3 definition (dataset first, no side effects)."""
