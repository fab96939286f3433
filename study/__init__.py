"""The study itself, below every other package: its configuration and the SAP's rules.

This package is the neutral bottom layer of the project (README, ARCHITECTURE):
:mod:`data_contract` (the contract, the cut-off and the simulator) and
:mod:`analysis` both import it, and it imports neither.

- :mod:`study.config` -- typed access to ``study.yml`` (:func:`~study.config.load_config`);
- :mod:`study.onset` -- missing and partial AE onset dates, treatment emergence (SAP 3, TEAE);
- :mod:`study.rules` -- the other SAP rules the contract, the simulator and the analysis
  share (first lymphodepletion day, fatal event, the 3+3 decision).
"""
