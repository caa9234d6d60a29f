"""Widgets the panels are made of that know nothing of the Session: charts, tables."""
