import pytest

from core.errors import ConfigError
from core.settings.config import SCHEMA_VERSION, ForecastConfig


def test_round_trip_keeps_every_setting():
    config = ForecastConfig(target="销售额", features=("temp", "price"), window=14, horizon=3,
                            cell="gru", hidden=16, layers=2, dropout=0.2, bidirectional=True,
                            head_width=16, batch_size=0, loss="huber", seed=7, test_size=31)
    data = config.to_dict()
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["features"] == ["temp", "price"]
    assert ForecastConfig.from_dict(data) == config


def test_newer_schema_is_refused_with_a_message():
    data = ForecastConfig(target="y").to_dict() | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(ConfigError, match="newer version"):
        ForecastConfig.from_dict(data)


@pytest.mark.parametrize("change, words", [
    ({"horizon": 0}, "Horizon must be between 1 and 10000"),
    ({"window": 0}, "Window must be"),
    ({"dropout": 1.0}, "Dropout"),
    ({"cell": "transformer"}, "Cell must be one of lstm, gru, rnn"),
    ({"val_fraction": 0.5, "test_fraction": 0.45}, "at least 10% of rows for training"),
    ({"batch_size": -1}, "Batch size"),
    ({"lr": 0}, "Learning rate"),
])
def test_invalid_settings_explain_themselves(change, words):
    with pytest.raises(ConfigError, match=words):
        ForecastConfig(target="y", **change)


def test_input_columns_put_the_target_first_once():
    assert ForecastConfig(target="y", features=("a", "y", "b")).input_columns == ["y", "a", "b"]
