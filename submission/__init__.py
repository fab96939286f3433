"""The submission and review package of a CSR version (issue 18)."""
