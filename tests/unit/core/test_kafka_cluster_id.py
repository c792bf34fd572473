"""KRaft cluster ids the storage tool accepts as an argument."""

from __future__ import annotations

import base64
import uuid

from sqlflow.kafka import broker


def test_a_cluster_id_never_starts_with_a_dash(monkeypatch) -> None:
    dashed = uuid.UUID(bytes=base64.urlsafe_b64decode("-" + "A" * 21 + "=="))
    fresh = iter([dashed, uuid.UUID(int=7)])
    monkeypatch.setattr(broker.uuid, "uuid4", lambda: next(fresh))
    assert broker.new_cluster_id() == base64.urlsafe_b64encode(uuid.UUID(int=7).bytes).decode().rstrip("=")


def test_cluster_ids_are_22_url_safe_characters() -> None:
    ids = {broker.new_cluster_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
