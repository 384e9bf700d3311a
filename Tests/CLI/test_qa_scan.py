"""`kefu qa scan FILE.jsonl [--company NAME] [--format jsonl|csv|table] [--lexicon FILE]`:
offline scoring of transcripts, one line per contact, bad lines reported and skipped."""
import json
import os
import subprocess
import tempfile

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")

SAMPLE = {
    "id": "c-20261001-0001", "startedAt": "2026-10-01T09:00:05+08:00", "channel": "phone", "agentId": "1024",
    "segments": [
        {"speaker": "agent", "start": 0.0, "end": 3.1, "text": "节日好，星河通信，很高兴为您服务！"},
        {"speaker": "customer", "start": 3.4, "end": 8.0, "text": "我的订单号是 A20261001778，想问下什么时候发货"},
        {"speaker": "agent", "start": 8.2, "end": 11.0, "text": "您的订单号是A20261001778，对吗？请您稍等，正在为您查询。"},
        {"speaker": "system", "start": 11.0, "end": 11.0, "event": "hold_start"},
        {"speaker": "system", "start": 25.0, "end": 25.0, "event": "hold_end"},
        {"speaker": "agent", "start": 25.2, "end": 30.0, "text": "感谢您的耐心等待，您的订单今天下午发出。"},
        {"speaker": "customer", "start": 30.2, "end": 31.0, "text": "好的谢谢"},
        {"speaker": "agent", "start": 31.2, "end": 36.0, "text": "不客气。请问还有什么可以帮您？"},
        {"speaker": "customer", "start": 36.2, "end": 37.0, "text": "没有了"},
        {"speaker": "agent", "start": 37.2, "end": 42.0, "text": "请不要挂机，稍后对我的服务进行评价，祝您节日愉快，再见！"},
        {"speaker": "system", "start": 44.0, "end": 44.0, "event": "hangup", "by": "customer"},
    ],
}

RUDE = {
    "id": "c-rude", "startedAt": "2026-11-20T10:00:00+08:00", "channel": "phone", "agentId": "1001",
    "segments": [
        {"speaker": "agent", "start": 0.0, "end": 3.0, "text": "喂？"},
        {"speaker": "customer", "start": 3.2, "end": 6.0, "text": "宽带又断了"},
        {"speaker": "agent", "start": 6.2, "end": 9.0, "text": "知道了，知道了，不要再講了。"},
        {"speaker": "system", "start": 14.0, "end": 14.0, "event": "hangup", "by": "agent"},
    ],
}


def scan(lines, *args):
    d = tempfile.mkdtemp()
    path = os.path.join(d, "contacts.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    env = dict(os.environ, DATABASE_URL=f"sqlite://{d}/unused.sqlite", LOG_LEVEL="error", KEFU_COMPANY="星河通信")
    return subprocess.run([KEFU, "qa", "scan", path, *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def test_scan_jsonl_one_line_per_contact():
    p = scan([json.dumps(SAMPLE, ensure_ascii=False), json.dumps(RUDE, ensure_ascii=False)])
    assert p.returncode == 0, p.stderr
    out = [json.loads(l) for l in p.stdout.splitlines()]
    assert [o["id"] for o in out] == ["c-20261001-0001", "c-rude"]
    assert out[0]["score"] == 100 and out[0]["findings"] == []
    rules = {f["rule"] for f in out[1]["findings"]}
    assert {"forbidden.impatience", "opening.missing", "call.agent_hung_up_first"} <= rules
    for f in out[1]["findings"]:
        assert set(f) == {"rule", "segment", "text", "start", "end"}
    hit = next(f for f in out[1]["findings"] if f["rule"] == "forbidden.impatience")
    text = RUDE["segments"][hit["segment"]]["text"]
    assert text[hit["start"]:hit["end"]] == hit["text"]
    assert out[1]["score"] < 100


def test_malformed_lines_are_reported_and_skipped_with_status_2():
    p = scan([json.dumps(SAMPLE, ensure_ascii=False), "{broken", json.dumps({"id": "x"}), json.dumps(RUDE, ensure_ascii=False)])
    assert p.returncode == 2
    assert "line 2" in p.stderr and "line 3" in p.stderr
    assert [json.loads(l)["id"] for l in p.stdout.splitlines()] == ["c-20261001-0001", "c-rude"]


def test_csv_and_table_formats():
    p = scan([json.dumps(SAMPLE, ensure_ascii=False), json.dumps(RUDE, ensure_ascii=False)], "--format", "csv")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "id,score,findings,rules"
    assert lines[1].startswith("c-20261001-0001,100,0,")
    p = scan([json.dumps(RUDE, ensure_ascii=False)], "--format", "table")
    assert p.returncode == 0 and "c-rude" in p.stdout
    p = scan([json.dumps(RUDE, ensure_ascii=False)], "--format", "xml")
    assert p.returncode != 0 and "format" in p.stderr


def test_company_and_lexicon_options():
    # With another company name the opening still counts (the greeting and 很高兴为您服务 are what matter).
    p = scan([json.dumps(SAMPLE, ensure_ascii=False)], "--company", "欧飞")
    assert p.returncode == 0 and json.loads(p.stdout)["score"] == 100
    d = tempfile.mkdtemp()
    lex = os.path.join(d, "lex.json")
    with open(lex, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "forbidden": [{"phrase": "下午发出", "rule": "forbidden.command"}], "standard": []}, f, ensure_ascii=False)
    p = scan([json.dumps(SAMPLE, ensure_ascii=False)], "--lexicon", lex)
    assert p.returncode == 0, p.stderr
    assert any(f["rule"] == "forbidden.command" for f in json.loads(p.stdout)["findings"])
    with open(lex, "w") as f:
        f.write("not json")
    p = scan([json.dumps(SAMPLE, ensure_ascii=False)], "--lexicon", lex)
    assert p.returncode != 0 and "lexicon" in p.stderr


def test_progress_bar_on_stderr_for_long_files():
    line = json.dumps(SAMPLE, ensure_ascii=False)
    lines = [line.replace("c-20261001-0001", f"c-{i}") for i in range(1500)]
    p = scan(lines)
    assert p.returncode == 0, p.stderr[-500:]
    assert len(p.stdout.splitlines()) == 1500
    assert "100%" in p.stderr
