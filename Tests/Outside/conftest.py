"""Fixtures of the outside tests (Tests/Outside): they talk to a running Kefu over HTTP the
way an outside tester would. Start a demo first, then

    KEFU_BASE_URL=http://127.0.0.1:18080 python3 -m pytest -v Tests/Outside
"""

import pytest

from kefu_http import BASE_URL, health_ok


@pytest.fixture(scope="session")
def base_url():
    assert health_ok(), f"no Kefu answering /health at {BASE_URL} (set KEFU_BASE_URL)"
    return BASE_URL
