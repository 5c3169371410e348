"""Practice mode on a scenario's page: the reader sees the situation and a prompt first, then
opens what to do one step at a time (each step behind its own <details>, so it works without
JavaScript and remembers nothing about the reader)."""

from typing import NamedTuple

from django import template

from roles.texts import text

register = template.Library()


class Steps(NamedTuple):
    lines: list[str]
    language: str  # the language the steps are shown in
    fallback: bool  # True when that is not the page's language


@register.simple_tag
def practice_steps(scenario) -> Steps:
    """The scenario's steps, one a line as the `text` tag's `steps=True` lists them, with the
    language they are shown in (a fallback marks each step with its `lang`)."""
    shown = text(scenario, "steps")
    lines = [line.strip() for line in shown.value.splitlines() if line.strip()]
    return Steps(lines, shown.language, shown.fallback)
