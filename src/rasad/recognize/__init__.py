"""Recognisers: numbers, time expressions, places and actors over normalised text."""
