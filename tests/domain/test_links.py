"""An online meeting's link: https only, a real host, nothing hidden in it."""

import pytest

from facilitator.domain.links import LINK_MAX, https_link_problem


@pytest.mark.parametrize(
    "link",
    [
        "https://meet.jit.si/GroupeDeuilLausanne",
        "https://us02web.zoom.us/j/123456789?pwd=abc",
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting",
        "https://Example.CH:8443/room#x",
    ],
)
def test_an_https_link_to_a_real_host_is_fine(link):
    assert https_link_problem(link) is None


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("http://meet.jit.si/x", "not_https"),
        ("javascript:alert(1)", "not_https"),
        ("meet.jit.si/x", "not_https"),
        ("https://", "not_a_link"),
        ("https://localhost/x", "not_a_link"),
        ("https://user:pw@meet.jit.si/x", "not_a_link"),
        ("https://meet.jit.si/a b", "not_a_link"),
        ("https://meet.jit.si/\nBcc: x", "not_a_link"),
        ('https://meet.jit.si/"><script>', "not_a_link"),
        ("https://meet.jit.si:99999/x", "not_a_link"),
        ("https://" + "a" * LINK_MAX + ".ch", "too_long"),
    ],
)
def test_anything_else_is_refused_with_its_reason(link, problem):
    assert https_link_problem(link) == problem
