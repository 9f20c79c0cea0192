"""The wallboard's targets and alert levels come from the deployment's settings."""

import pytest

from callcenter.config import Config, ConfigError
from callcenter.console.wiring import publish_wallboard
from callcenter.db import get_session
from tests.analytics.conftest import at


def test_a_deployments_service_level_target_is_what_the_wallboard_measures(make_app, floor):
    app = make_app(WALLBOARD_SERVICE_LEVEL_PERCENT="60", WALLBOARD_TARGET_SECONDS="25")
    with app.app_context():
        board = publish_wallboard(get_session(), at(1, 10, 0))
    # support: 10, 25, 23 and 4 s are all within 25 s, of 7 offered - 1 short abandon.
    assert board["queues"][1]["service_level"] == pytest.approx(4 / 6)
    assert board["targets"]["service_level"] == pytest.approx(0.6)
    assert board["alerts"] == []  # 5 of 7 in total is above 60 %


@pytest.mark.parametrize("key, value", [("WALLBOARD_SERVICE_LEVEL_PERCENT", "0"),
                                        ("WALLBOARD_ABANDON_WARNING_PERCENT", "101"),
                                        ("WALLBOARD_TARGET_SECONDS", "0"),
                                        ("WALLBOARD_LONGEST_WAIT_ALERT_SECONDS", "abc")])
def test_impossible_wallboard_settings_are_refused_at_start(key, value):
    with pytest.raises(ConfigError, match=key):
        Config.from_env({key: value})
