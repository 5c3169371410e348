"""A fresh worker's warm-up (kb/warmup.py) compiles every template of the site with its own
engine: the Jinja2 templates are not Django's."""

import logging

from kb.warmup import templates, warm_up


def test_each_template_is_compiled_by_its_own_engine():
    found = dict((name, engine) for engine, name in templates())
    assert found["roles/parts/role_sections.html"] == "jinja2"
    assert found["includes/scenario.html"] == "jinja2"
    assert found["base.html"] == "django"
    assert not any(name.startswith("jinja2/") for name in found)


def test_the_warm_up_loads_every_template_without_a_warning(db, caplog):
    with caplog.at_level(logging.WARNING, logger="kb.warmup"):
        warm_up()
    assert [record.getMessage() for record in caplog.records] == []
