"""Text analysis shared by triage and offer scanning: normalisation and fuzzy phrase matching."""
