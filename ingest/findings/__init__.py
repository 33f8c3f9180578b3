"""Findings: what an oversight office notes about a report beyond its cells — its prose
against its tables, its departures from the template, breaks across a body's years."""
