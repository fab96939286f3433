"""The display registry (analysis.displays.registry) and the catalogue agree: every
catalogue entry has exactly one registered display module and every display module
declares a catalogue entry, with the renderer its kind needs."""

import pytest

from analysis.catalogue import ALL_DISPLAYS as DISPLAYS
from analysis.displays import registry
from analysis.displays.registry import declare, registered, spec


def test_every_catalogue_entry_has_one_registered_display_and_vice_versa():
    found = registered()
    assert sorted(found) == sorted(d.id for d in DISPLAYS)


@pytest.mark.parametrize("entry", DISPLAYS, ids=lambda d: d.id)
def test_each_display_declares_its_own_id_in_the_module_named_for_it(entry):
    declared = spec(entry.id)
    assert declared.id == entry.id and declared.entry is entry
    assert declared.datasets == entry.datasets
    assert registry.module_name(entry.id) + ".py" == entry.program.rsplit("/", 1)[1]


@pytest.mark.parametrize("entry", DISPLAYS, ids=lambda d: d.id)
def test_figures_declare_a_figure_listings_a_listing_and_tables_neither(entry):
    declared = spec(entry.id)
    assert (declared.figure is not None) == (entry.id[0] == "F")
    assert (declared.plot_data is not None) == (entry.id[0] == "F")
    assert (declared.listing is not None) == (entry.id[0] == "L")
    assert (declared.narrative is not None) == (entry.id[0] == "N")


def test_a_declaration_of_an_id_outside_the_catalogue_or_of_the_wrong_kind_fails():
    with pytest.raises(KeyError, match="T99.9"):
        declare("T99.9", ard=lambda data, config, group_var: None)
    with pytest.raises(ValueError, match="F14.2.1: a figure function"):
        declare("F14.2.1", ard=lambda data, config, group_var: None)
    with pytest.raises(ValueError, match="T14.3.1: a figure function"):
        declare("T14.3.1", ard=lambda data, config, group_var: None,
                figure=lambda *a: None)
    with pytest.raises(ValueError, match="F14.2.1: a figure declares the plot data"):
        declare("F14.2.1", ard=lambda data, config, group_var: None, figure=lambda *a: None)
    with pytest.raises(ValueError, match="L16.2.1: a listing function"):
        declare("L16.2.1", ard=lambda data, config, group_var: None)


def test_an_id_outside_the_catalogue_has_no_spec():
    with pytest.raises(KeyError, match="no display 'T99.9' in the SAP catalogue"):
        spec("T99.9")
