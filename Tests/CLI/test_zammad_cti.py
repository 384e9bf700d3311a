"""Zammad's generic CTI push, driven by the PyPI client `py-zammad-cti` unchanged, against
`kefu serve`: the calls it reports show up in the live figures."""
import tempfile

from zammad_cti import CTIClient

from test_cli import KEFU, free_port, request, run, start_server


def test_py_zammad_cti_client_works_unchanged():
    d = tempfile.mkdtemp()
    db = f"sqlite://{d}/cti.sqlite"
    run(["migrate", "--yes"], db)
    run(["user", "add", "--work-id", "3001", "--name", "赵敏", "--role", "shift_lead", "--password", "secret123"], db)
    token = run(["cti", "token", "add", "--name", "zammad-pbx"], db).stdout.strip().splitlines()[-1]
    assert token.startswith("cti_")
    port = free_port()
    server = start_server([KEFU, "serve", "--host", "127.0.0.1", "--port", str(port)], db)
    try:
        base = f"http://127.0.0.1:{port}"
        client = CTIClient(url=f"{base}/api/v1/cti/{token}")
        assert client.new_call(_from="13800138000", to="10086", direction="in", call_id="zc-1", queue="inbound") == {}
        client.new_call(_from="13900139000", to="10086", direction="in", call_id="zc-2")
        client.answer(_from="13800138000", to="10086", direction="in", call_id="zc-1", answering_number="1001")
        client.hangup(_from="13800138000", to="10086", direction="in", call_id="zc-1", cause="normalClearing")
        client.hangup(_from="13900139000", to="10086", direction="in", call_id="zc-2", cause="cancel")
        status, session = request("POST", base + "/api/v1/session", {"workId": "3001", "password": "secret123"})
        assert status == 200
        status, live = request("GET", base + "/api/v1/live", None, session["token"])
        assert status == 200
        assert live["answeredToday"] == 1 and live["abandonedToday"] == 1 and live["waiting"] == 0
        # A wrong token in the URL is refused.
        bad = CTIClient(url=f"{base}/api/v1/cti/cti_wrong")
        try:
            bad.new_call(_from="1", to="2", direction="in", call_id="zc-3")
            raise AssertionError("a wrong token was accepted")
        except Exception as e:  # requests.HTTPError
            assert "401" in str(e)
    finally:
        server.terminate()
        server.wait(timeout=20)
