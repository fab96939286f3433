"""The seeded, deterministic simulator of the NCT06561009 trial (issue 2, section 4).

``simulate_trial(n, seed)`` returns a :class:`SimulatedTrial` with the ten
contract datasets at the final cut-off, the final and interim cut-off dates.
Every number the simulator uses lives in ``params.yml`` with its reason; the
study design (dose levels, 3+3 rule, lymphodepletion, visits) is read from
``study.yml``.
"""

from data_contract.simulator.assemble import SimulatedTrial, simulate_trial
from data_contract.simulator.escalation import CohortDecision, decide_3plus3
from data_contract.simulator.parameters import load_params

__all__ = ["CohortDecision", "SimulatedTrial", "decide_3plus3", "load_params", "simulate_trial"]
