"""A role's guide, read as a checklist."""

from facilitator.domain.guide import Section, sections


def test_headings_end_with_a_colon_and_items_lose_their_marker():
    text = (
        "Before the meeting:\n- Fetch the keys\n\n* Air the room\nAfter the meeting :\n• Lock up\n"
    )
    assert sections(text) == [
        Section("Before the meeting", ["Fetch the keys", "Air the room"]),
        Section("After the meeting", ["Lock up"]),
    ]


def test_lines_before_any_heading_and_items_with_a_colon_stay_items():
    assert sections("Bring tea\n- Open with a round: first names\n") == [
        Section("", ["Bring tea", "Open with a round: first names"])
    ]


def test_an_empty_guide_or_a_heading_without_items_shows_nothing():
    assert sections("") == []
    assert sections("Before the meeting:\n\n") == []
    assert sections("Avant la rencontre\u202f:\n- Relire") == [
        Section("Avant la rencontre", ["Relire"])
    ]
