"""Filters live in the URL: a link reopens the same view; unknown values are ignored with a notice."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent / "fixtures" / "apps" / "url_state_app.py")


def _state(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("state="))


def test_defaults_leave_the_url_clean() -> None:
    at = AppTest.from_file(APP).run()
    assert _state(at) == "state=E09000007|||30"
    assert dict(at.query_params) == {}


def test_link_restores_the_view() -> None:
    at = AppTest.from_file(APP)
    at.query_params.update({"borough": "E09000001", "cat": "software,cyber_security", "q": "damp", "days": "90"})
    at.run()
    assert _state(at) == "state=E09000001|software,cyber_security|damp|90"
    assert not at.warning


def test_changing_a_widget_updates_the_url() -> None:
    at = AppTest.from_file(APP).run()
    at.selectbox(key="borough").set_value("E09000001").run()
    at.multiselect(key="cat").set_value(["devices"]).run()
    at.text_input(key="q").set_value("sensors").run()
    assert at.query_params["borough"] == "E09000001"
    assert at.query_params["cat"] == "devices"
    assert at.query_params["q"] == "sensors"


def test_unknown_and_injected_values_are_ignored_with_a_notice() -> None:
    at = AppTest.from_file(APP)
    at.query_params.update(
        {"borough": "'; drop table spend; --", "cat": "software,<script>x</script>", "days": "99999"}
    )
    at.run()
    assert _state(at) == "state=E09000007|software||30"
    assert "not recognised" in at.warning[0].value
    assert "\\<script\\>" in at.warning[0].value  # shown as text (markdown-escaped), never as markup
