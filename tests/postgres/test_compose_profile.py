"""compose.yaml's profile `replicas`: PostgreSQL, two webhook replicas on it with one secret, Caddy in front of
both; none of it starts with a plain `docker compose up` (the polling bot does)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_replicas_profile_runs_postgresql_two_replicas_and_a_tls_proxy() -> None:
    services = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    assert "profiles" not in services["bot"], "the default stays one process on SQLite"
    for name in ("postgres", "replica1", "replica2", "proxy"):
        assert services[name]["profiles"] == ["replicas"]
    for name in ("replica1", "replica2"):
        replica = services[name]
        assert replica["environment"]["HELPLINE_DATABASE_URL"].startswith("postgresql://helpline:")
        assert "@postgres/helpline" in replica["environment"]["HELPLINE_DATABASE_URL"]
        assert replica["command"][:2] == ["run", "--webhook"] and replica["command"][2].endswith("/telegram")
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy") and "443:443" in proxy["ports"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"reverse_proxy replica1:8080 replica2:8080", caddyfile) and "health_uri /healthz" in caddyfile
    assert any(volume.startswith("./deploy/Caddyfile:") for volume in proxy["volumes"])
