"""The pure core: rules on dates, roles and calendars, as plain functions on plain data.

Nothing here imports Flask, SQLAlchemy or any other module of the app (only
the standard library and pure libraries such as icalendar), so its tests need
neither an app nor a database; ``tests/test_architecture.py`` enforces it.
Models and services may import the domain; the domain imports nothing above it.

- ``recurrence``: the supported RFC 5545 RRULE subset and its expansion;
- ``keys``: the URL key of a meeting ("m7", "s12-202609151900");
- ``rotation``: the fair fill of open role slots;
- ``vtimezone``: VTIMEZONE components in the yearly-RRULE form;
- ``ical``: a calendar (RFC 5545 bytes) rendered from plain, translated data.
"""
