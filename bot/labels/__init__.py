"""Operators\x27 labels as training rows: `helpline export-labels`."""
