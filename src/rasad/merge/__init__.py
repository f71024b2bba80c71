"""Cross-source work: events from mentions, story clusters, claims."""
