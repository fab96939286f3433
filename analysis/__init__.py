"""Analysis package of the NCT06561009 CSR.

Layout (one job per module):
- ``config``     the study configuration (study.yml): dose levels, visits, assumptions;
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

# The data contract package sets pandas Copy-on-Write (the pandas 3.0 default) for the
# whole project; import it first so the analysis always runs in that mode.
import data_contract  # noqa: F401
