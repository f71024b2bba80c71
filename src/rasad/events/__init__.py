"""Event detection: triggers, argument attachment, ACLED coding."""
