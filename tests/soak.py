"""Kill soak: "nothing lost, whatever happens", tried with SIGKILL many times over.

    .venv/bin/python tests/soak.py --kills 30 [--data-dir DIR] [--json FILE] [--max-lost-s 1.5]

Each round starts the real window in a child process (offscreen) on one portable data folder,
reused from round to round, and drives it from inside with QTimers:

- "typing": Ctrl+2, New draft, then one character every 50-120 ms (random), never pausing;
- "streaming": Ctrl+1, Ctrl+N, a message that asks for a long story, and the reply streams.

The child writes every key (before typing it) and every reply chunk to a side log, one JSON
line each, unbuffered, so the parent knows what was on screen and when. The parent kills the
child with SIGKILL 1.5-8 s after typing or streaming began, then reads DIR/data/inkwell.db
read-only and checks:

- PRAGMA integrity_check is "ok";
- typing: the draft's saved body is a prefix of what was typed; the typing lost is the kill's
  time minus the time the last saved character was typed (the first one when none was saved);
- streaming: the reply row exists, is still 'streaming' in the raw database (unless it finished
  before the kill), holds a prefix of what streamed, and how long before the kill that text
  had arrived. At the end the folder is opened once with the app's Store, which must turn every
  such reply into 'interrupted'.

It prints a summary (and writes it with the rounds as JSON with --json). The exit status is 1
when the database is damaged, a draft or reply is not a prefix of what was on screen, a row is
missing, a round could not run, or the worst typing lost exceeds --max-lost-s; 0 otherwise.
Not collected by pytest (it is not named test_*.py); tests/test_soak_quick.py checks its arithmetic.

Other options: --scenarios typing (or streaming) for one kind only; --seed N to repeat a run;
--min-delay/--max-delay for the kill window; --app-root DIR to run the window from another
copy of the code (e.g. one with app/ui/writing_desk.py from HEAD, to compare before and after
a change). Each round's side log and the child's output are kept in DIR/soak-logs/.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the child: argv = data folder, scenario, side log, seed.
DRIVER = r"""
import json, os, random, sys, time
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton
from app.cli import main

data_dir, scenario, log_path, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rng = random.Random(seed)
log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
WORDS = "the tide came in while she slept and the lamp over the harbour burned low all night".split()
CTRL = Qt.KeyboardModifier.ControlModifier


def log(event, **fields):
    # Straight to the file (no buffer): what a SIGKILL leaves is all there.
    os.write(log_fd, (json.dumps(dict(t=time.time(), event=event, **fields)) + "\n").encode())


def main_window():
    # The window once it is shown and active (window shortcuts need that), else None.
    found = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()]
    if not found:
        return None
    if QApplication.activeWindow() is not found[0]:
        found[0].activateWindow()
        return None
    return found[0]


def shortcut(window, key, done, fallback, name):
    QTest.keyClick(window, key, CTRL)
    if not done():
        log("note", text=f"{name} did not reach the window; done directly")
        fallback()


def characters():
    while True:
        yield from rng.choice(WORDS) + rng.choice([" ", " ", " ", ", ", ". "])


def start_typing():
    window = main_window()
    if window is None:
        return QTimer.singleShot(100, start_typing)
    desk = window.writing_desk
    shortcut(window, Qt.Key.Key_2, lambda: window.mode_tabs.currentWidget() is desk,
             lambda: window.mode_tabs.setCurrentWidget(desk), "Ctrl+2")
    QTest.mouseClick(desk.findChild(QPushButton, "newDocumentButton"), Qt.MouseButton.LeftButton)
    editor = desk.findChild(QPlainTextEdit, "editor")
    log("start", document=desk.document_id)
    source = characters()

    def type_next():
        character = next(source)
        log("key", c=character)
        QTest.keyClicks(editor, character)
        QTimer.singleShot(rng.randint(50, 120), type_next)

    type_next()


def start_streaming():
    window = main_window()
    if window is None or window.host.model_info is None:
        return QTimer.singleShot(100, start_streaming)
    shortcut(window, Qt.Key.Key_1, lambda: window.mode_tabs.currentIndex() == 0,
             lambda: window.mode_tabs.setCurrentIndex(0), "Ctrl+1")
    window.preferences.max_tokens = 1000  # a long reply, so the kill usually lands while it streams
    shortcut(window, Qt.Key.Key_N, lambda: window.chat.conversation_id is None, window.chat.new_conversation, "Ctrl+N")
    box = window.findChild(QPlainTextEdit, "chatInput")
    QTest.keyClicks(box, "Tell me a long story about a lighthouse keeper and a storm, in many chapters.")
    # The log sees each chunk just before or after the window does (the checks allow either way);
    # the window saves what arrived every couple of seconds, not at every chunk.
    def observe(generation):
        generation.chunk.connect(lambda text: log("chunk", text=text))
        generation.finished.connect(lambda *_: log("finished"))

    if hasattr(window.host, "started"):  # each request's own handle
        window.host.started.connect(observe)
    else:  # a copy of the code from before handles (--app-root)
        window.host.chunk.connect(lambda _request, text: log("chunk", text=text))
        window.host.finished.connect(lambda *_: log("finished"))
    QTest.keyClick(box, Qt.Key.Key_Return)
    if window.chat.streaming is None:
        log("error", text="the message was not sent")
    else:
        log("start", message=window.chat.streaming.message_id)


application = QApplication(sys.argv[:1])  # the window's own, created first for the timers
QTimer.singleShot(300, start_typing if scenario == "typing" else start_streaming)
sys.exit(main(["--data-dir", data_dir]))
"""


def read_events(log_path: Path) -> list[dict]:
    if not log_path.exists():
        return []
    events = []
    for line in log_path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by the kill
            pass
    return events


def wait_for_start(child: subprocess.Popen, log_path: Path, first: str, timeout: float) -> float | None:
    """When typing or streaming began (the first key or chunk), or None if it never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        events = read_events(log_path)
        if any(e["event"] == "error" for e in events):
            return None
        began = [e["t"] for e in events if e["event"] == first]
        if began:
            return began[0]
        time.sleep(0.05)
    return None


def check_typing(conn: sqlite3.Connection, events: list[dict], killed_at: float) -> dict:
    start = next(e for e in events if e["event"] == "start")
    keys = [(e["t"], e["c"]) for e in events if e["event"] == "key"]
    typed = "".join(c for _, c in keys)
    row = conn.execute("SELECT body FROM documents WHERE id = ?", (start["document"],)).fetchone()
    result = dict(document=start["document"], typed_chars=len(typed))
    if row is None:
        return dict(result, problems=["the draft is missing from the database"])
    body = row[0]
    result.update(saved_chars=len(body), prefix=typed.startswith(body))
    if not result["prefix"]:
        return dict(result, problems=[f"saved draft is not a prefix of what was typed: {body[-60:]!r}"])
    last_saved_at = keys[len(body) - 1][0] if body else keys[0][0]
    return dict(result, lost_chars=len(typed) - len(body), lost_s=round(killed_at - last_saved_at, 3), problems=[])


def check_streaming(conn: sqlite3.Connection, events: list[dict], killed_at: float) -> dict:
    message = next(e for e in events if e["event"] == "start")["message"]
    chunks = [(e["t"], e["text"]) for e in events if e["event"] == "chunk"]
    streamed = "".join(text for _, text in chunks)
    finished = any(e["event"] == "finished" for e in events)
    row = conn.execute("SELECT content, status FROM messages WHERE id = ?", (message,)).fetchone()
    result = dict(message=message, streamed_chars=len(streamed), finished_before_kill=finished)
    if row is None:
        return dict(result, problems=["the reply is missing from the database"])
    content, status = row
    result.update(saved_chars=len(content), status=status, prefix=streamed.startswith(content) or content.startswith(streamed))
    problems = []
    if not result["prefix"]:
        problems.append(f"saved reply is not a prefix of what streamed: {content[-60:]!r}")
    if status != "streaming" and not finished:
        problems.append(f"the reply is {status!r} in the raw database, not 'streaming'")
    if finished or not result["prefix"]:
        return dict(result, problems=problems)
    # When the saved text had arrived: the first chunk that completes it (the first chunk if empty).
    arrived, saved_at = 0, killed_at
    for t, text in chunks:
        arrived += len(text)
        if arrived >= len(content):
            saved_at = t
            break
    return dict(result, lost_chars=max(0, len(streamed) - len(content)), lost_s=round(killed_at - saved_at, 3), problems=problems)


def run_round(index: int, scenario: str, root: Path, logs: Path, rng: random.Random, args) -> dict:
    log_path = logs / f"{index:03d}-{scenario}.jsonl"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(args.app_root),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    with open(logs / f"{index:03d}-{scenario}.out", "wb") as output:
        child = subprocess.Popen([sys.executable, "-c", DRIVER, str(root), scenario, str(log_path),
                                  str(rng.randrange(2**31))], cwd=args.app_root, env=env, stdout=output, stderr=subprocess.STDOUT)
        began = wait_for_start(child, log_path, "key" if scenario == "typing" else "chunk", args.start_timeout)
        result: dict = dict(round=index, scenario=scenario)
        if began is None:
            exited = child.poll()
            child.kill()
            child.wait()
            why = f"exited with status {exited}" if exited is not None else "never started (or timed out)"
            return dict(result, problems=[f"the child {why}; see {output.name}"])
        time.sleep(max(0.0, began + rng.uniform(args.min_delay, args.max_delay) - time.time()))
        killed_at = time.time()
        exited = child.poll()
        child.send_signal(signal.SIGKILL)
        child.wait()
    result["killed_after_s"] = round(killed_at - began, 3)
    if exited is not None:
        return dict(result, problems=[f"the child exited by itself ({exited}) before the kill; see {output.name}"])
    conn = sqlite3.connect(f"file:{root / 'data' / 'inkwell.db'}?mode=ro", uri=True)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        check = check_typing if scenario == "typing" else check_streaming
        result.update(check(conn, read_events(log_path), killed_at))
    except sqlite3.DatabaseError as error:  # not even readable
        integrity, result["problems"] = [str(error)], []
    finally:
        conn.close()
    result["integrity_ok"] = integrity == ["ok"]
    if not result["integrity_ok"]:
        result["problems"].insert(0, "integrity_check: " + "; ".join(integrity[:5]))
    return result


def reopen_marks_interrupted(root: Path, rounds: list[dict], app_root: Path) -> list[int]:
    """Opens the database as the app does; returns the replies killed while 'streaming' that
    it did not turn into 'interrupted'."""
    killed = [r["message"] for r in rounds if r.get("status") == "streaming"]
    if not killed:
        return []
    sys.path.insert(0, str(app_root))
    from app.core.store import Store

    Store(root / "data" / "inkwell.db").close()
    conn = sqlite3.connect(f"file:{root / 'data' / 'inkwell.db'}?mode=ro", uri=True)
    try:
        return [m for m in killed
                if conn.execute("SELECT status FROM messages WHERE id = ?", (m,)).fetchone() != ("interrupted",)]
    finally:
        conn.close()


def spread(values: list[float]) -> dict | None:
    if not values:
        return None
    ordered = sorted(values)
    return dict(median=round(statistics.median(ordered), 3), p90=ordered[math.ceil(0.9 * len(ordered)) - 1],
                worst=ordered[-1], n=len(ordered))


def summarize(rounds: list[dict], not_interrupted: list[int], args) -> dict:
    typing = [r for r in rounds if r["scenario"] == "typing"]
    streaming = [r for r in rounds if r["scenario"] == "streaming"]
    lost = [r["lost_s"] for r in typing if "lost_s" in r]
    return dict(
        kills=dict(typing=sum("killed_after_s" in r for r in typing), streaming=sum("killed_after_s" in r for r in streaming)),
        integrity_failures=sum(r.get("integrity_ok") is False for r in rounds),
        drafts_not_prefix=sum(r.get("prefix") is False for r in typing),
        replies_not_prefix=sum(r.get("prefix") is False for r in streaming),
        replies_finished_before_kill=sum(bool(r.get("finished_before_kill")) for r in streaming),
        replies_not_interrupted_after_reopen=not_interrupted,
        typing_lost_s=spread(lost),
        typing_lost_chars=spread([r["lost_chars"] for r in typing if "lost_chars" in r]),
        streaming_lost_s=spread([r["lost_s"] for r in streaming if "lost_s" in r]),
        streaming_saved_chars=spread([r["saved_chars"] for r in streaming if "saved_chars" in r]),
        max_lost_s=args.max_lost_s,
        problems=[f"round {r['round']} ({r['scenario']}): {p}" for r in rounds for p in r["problems"]]
        + [f"reply {m} still not 'interrupted' after the store was reopened" for m in not_interrupted],
    )


def print_summary(summary: dict, data_dir: Path) -> None:
    def line(name: str, figures: dict | None, unit: str) -> None:
        text = "none measured" if figures is None else (
            f"median {figures['median']}{unit}, p90 {figures['p90']}{unit}, worst {figures['worst']}{unit} (n={figures['n']})")
        print(f"  {name:<34}{text}")

    kills = summary["kills"]
    print(f"\nkill soak on {data_dir}")
    print(f"  kills                             typing {kills['typing']}, streaming {kills['streaming']}"
          f" ({summary['replies_finished_before_kill']} replies finished before the kill)")
    print(f"  integrity failures                {summary['integrity_failures']}")
    print(f"  drafts not a prefix of typing     {summary['drafts_not_prefix']}")
    print(f"  replies not a prefix of stream    {summary['replies_not_prefix']}")
    line("typing lost", summary["typing_lost_s"], " s")
    line("typing lost (characters)", summary["typing_lost_chars"], "")
    line("reply saved before the kill", summary["streaming_lost_s"], " s")
    line("reply saved (characters)", summary["streaming_saved_chars"], "")
    for problem in summary["problems"]:
        print(f"  PROBLEM: {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=30, help="rounds in all (default 30)")
    parser.add_argument("--scenarios", default="typing,streaming", help="taken in turn (default typing,streaming)")
    parser.add_argument("--data-dir", type=Path, help="portable data folder, reused by every round (default: a new temporary one)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the summary and every round here")
    parser.add_argument("--max-lost-s", type=float, default=1.5, help="worst typing lost allowed (default 1.5)")
    parser.add_argument("--min-delay", type=float, default=1.5, help="earliest kill after typing/streaming began (s)")
    parser.add_argument("--max-delay", type=float, default=8.0, help="latest kill (s)")
    parser.add_argument("--start-timeout", type=float, default=180.0, help="time allowed for the window and model to start (s)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="the checkout whose app/ the window runs from (default: this one), to compare before/after a change")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    root = (args.data_dir or Path(tempfile.mkdtemp(prefix="inkwell-soak-"))).resolve()
    logs = root / "soak-logs"
    logs.mkdir(parents=True, exist_ok=True)
    scenarios = args.scenarios.split(",")
    rounds = []
    for index in range(args.kills):
        result = run_round(index, scenarios[index % len(scenarios)], root, logs, rng, args)
        rounds.append(result)
        print(json.dumps(result), flush=True)
    summary = summarize(rounds, reopen_marks_interrupted(root, rounds, args.app_root), args)
    print_summary(summary, root)
    if args.json:
        args.json.write_text(json.dumps(dict(summary=summary, rounds=rounds), indent=2) + "\n", encoding="utf-8")
    worst = (summary["typing_lost_s"] or {}).get("worst", 0.0)
    if summary["problems"] or worst > args.max_lost_s:
        print(f"FAILED{f': worst typing lost {worst} s > {args.max_lost_s} s' if worst > args.max_lost_s else ''}")
        return 1
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
