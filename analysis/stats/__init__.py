"""Statistics on top of scipy, statsmodels and lifelines, returning ARD rows."""
