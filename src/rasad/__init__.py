"""Rasad: Arabic conflict news to geolocated, source-attributed events."""

__version__ = "0.1.0"
