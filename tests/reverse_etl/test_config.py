"""syncs.yml validation: errors name the file, the sync and the key; secrets come from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverse_etl import SyncConfigError, load_sync_config


def base_sync(**overrides):
    sync = {
        "name": "vip_to_crm",
        "source": "high_value",
        "mode": "mirror",
        "primary_key": "customer_id",
        "batch_size": 500,
        "fields": {"email": "primary_email", "first_name": "first_name"},
        "schedule": "0 * * * *",
        "destination": {
            "type": "postgres",
            "dsn": "postgresql://postgres@127.0.0.1:5432/test",
            "table": "marketing.vip",
        },
    }
    sync.update(overrides)
    return sync


def error_of(write_config, syncs) -> str:
    path = write_config(syncs)
    with pytest.raises(SyncConfigError) as info:
        load_sync_config(path)
    return str(info.value)


def test_the_issue_example_loads(write_config):
    config = load_sync_config(write_config([base_sync()]))
    (sync,) = config.syncs
    assert (sync.name, sync.mode, sync.primary_key, sync.batch_size) == (
        "vip_to_crm",
        "mirror",
        "customer_id",
        500,
    )
    assert sync.fields == {"email": "primary_email", "first_name": "first_name"}
    assert sync.destination.table == "marketing.vip"
    assert sync.schedule == "0 * * * *"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"mode": "merge"}, "mode"),
        ({"primary_key": ""}, "primary_key"),
        ({"batch_size": 0}, "batch_size"),
        ({"schedule": "hourly"}, "schedule"),
        ({"fields": {}}, "fields"),
        ({"source": "drop table x"}, "source"),
        ({"purpose": "Email Marketing"}, "purpose"),
        ({"colour": "red"}, "colour"),
        ({"destination": {"type": "postgres", "dsn": "postgresql://x@h/db"}}, "destination.table"),
        ({"destination": {"type": "postgres", "dsn": "x", "table": "t", "tabel": "y"}}, "destination.tabel"),
        ({"destination": {"type": "carrier_pigeon"}}, "destination.type"),
    ],
)
def test_errors_name_file_sync_and_key(write_config, override, expected):
    message = error_of(write_config, [base_sync(**override)])
    assert "syncs.yml" in message
    assert "sync 'vip_to_crm'" in message
    assert expected in message


def test_mode_must_be_supported_by_the_destination(write_config, monkeypatch):
    monkeypatch.setenv("RETL_TEST_TOKEN", "t")
    sync = base_sync(
        mode="mirror",
        destination={"type": "hubspot", "token": "${RETL_TEST_TOKEN}"},
    )
    message = error_of(write_config, [sync])
    assert "mode" in message and "hubspot" in message and "upsert" in message


def test_batch_size_above_the_destination_maximum(write_config, monkeypatch):
    monkeypatch.setenv("RETL_TEST_TOKEN", "t")
    sync = base_sync(
        mode="upsert", batch_size=101, destination={"type": "hubspot", "token": "${RETL_TEST_TOKEN}"}
    )
    message = error_of(write_config, [sync])
    assert "batch_size" in message and "100" in message


def test_secret_written_in_the_file_is_refused_and_not_echoed(write_config):
    sync = base_sync(mode="upsert", destination={"type": "hubspot", "token": "pat-na1-supersecret"})
    message = error_of(write_config, [sync])
    assert "destination.token" in message and "${ENV_VAR}" in message
    assert "supersecret" not in message


def test_password_in_dsn_is_refused(write_config):
    sync = base_sync(destination={"type": "postgres", "dsn": "postgresql://u:hunter2@h/db", "table": "t"})
    message = error_of(write_config, [sync])
    assert "destination.dsn" in message and "hunter2" not in message


def test_secret_from_environment(write_config, monkeypatch):
    monkeypatch.setenv("RETL_TEST_TOKEN", "pat-secret-value")
    sync = base_sync(
        mode="upsert", batch_size=100, destination={"type": "hubspot", "token": "${RETL_TEST_TOKEN}"}
    )
    (spec,) = load_sync_config(write_config([sync])).syncs
    assert spec.destination.token.get_secret_value() == "pat-secret-value"
    assert "pat-secret-value" not in repr(spec)


def test_missing_environment_variable(write_config, monkeypatch):
    monkeypatch.delenv("RETL_TEST_MISSING", raising=False)
    sync = base_sync(
        mode="upsert", batch_size=100, destination={"type": "hubspot", "token": "${RETL_TEST_MISSING}"}
    )
    message = error_of(write_config, [sync])
    assert "destination.token" in message and "RETL_TEST_MISSING is not set" in message


def test_ads_destinations_need_a_purpose(write_config, monkeypatch):
    monkeypatch.setenv("RETL_TEST_TOKEN", "t")
    sync = base_sync(
        mode="mirror",
        batch_size=None,
        fields={"email": "email"},
        destination={"type": "meta", "access_token": "${RETL_TEST_TOKEN}", "audience_id": "123"},
    )
    message = error_of(write_config, [sync])
    assert "purpose" in message and "meta" in message
    sync["purpose"] = "ads_targeting"
    assert load_sync_config(write_config([sync])).syncs[0].purpose == "ads_targeting"


def test_identifier_fields_required_by_ad_platforms(write_config, monkeypatch):
    monkeypatch.setenv("RETL_TEST_TOKEN", "t")
    sync = base_sync(
        purpose="ads_targeting",
        batch_size=None,
        fields={"first_name": "first_name"},
        destination={"type": "meta", "access_token": "${RETL_TEST_TOKEN}", "audience_id": "123"},
    )
    message = error_of(write_config, [sync])
    assert "fields" in message and "email" in message


def test_duplicate_names_and_unknown_selection(write_config):
    message = error_of(write_config, [base_sync(), base_sync()])
    assert "defined more than once" in message
    config = load_sync_config(write_config([base_sync()]))
    with pytest.raises(SyncConfigError, match="no sync named 'nope'"):
        config.select(["nope"])


def test_missing_file_and_bad_yaml(tmp_path: Path):
    with pytest.raises(SyncConfigError, match="not found"):
        load_sync_config(tmp_path / "absent.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("syncs: [\n", encoding="utf-8")
    with pytest.raises(SyncConfigError, match=r"bad\.yml: not valid YAML"):
        load_sync_config(bad)
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("sync: []\n", encoding="utf-8")
    with pytest.raises(SyncConfigError, match="unknown top-level key"):
        load_sync_config(wrong)


def test_sync_without_name_is_identified_by_position(write_config):
    sync = base_sync()
    del sync["name"]
    message = error_of(write_config, [base_sync(name="first"), sync])
    assert "sync #2" in message and "name" in message
