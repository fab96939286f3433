"""Settings of every test session: the process settings the entry points apply
(:func:`analysis.runtime.configure`; importing the packages applies none)."""

from analysis import runtime


def pytest_configure(config):
    runtime.configure()
