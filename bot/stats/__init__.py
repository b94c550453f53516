"""Statistics without personal data: anonymous counts and ticket timings, a report, /stats, Prometheus."""
