"""Domain logic: plain functions that know nothing of Flask requests."""
