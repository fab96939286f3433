"""Analysis package of the NCT06561009 CSR.

Layout (one job per module):
- ``config``     the study configuration (study.yml), from the neutral ``study`` package;
- ``runtime``    ``configure()``: the process settings the entry points apply;
- ``sets``       analysis sets (SAP 2);
- ``derive/``    pure derivations, one module per SAP 3 definition;
- ``stats/``     statistics on top of scipy, statsmodels and lifelines;
- ``ard``        the analysis results data (ARD) schema and its builders;
- ``formats``    SAP 4 number formats (the only place numbers become text);
- ``catalogue``  every display of SAP 5: number, title, analysis set, chapter;
- ``displays/``  one module per display, named by display number, each with
                 ``ard(data, config)`` (and ``figure``/``listing`` where it applies);
- ``style/``     the house style of tables (great-tables), figures (matplotlib), listings.
"""
