"""Native crashes that Python cannot catch, explained at the next start.

llama.cpp is C++: a kernel that is wrong for this CPU, a GPU out of memory or a broken model
can end the process with a signal. While Inkwell runs, Python's faulthandler writes the stack
of every thread to a log in the data folder, beside a small note of what the engine was doing
(model file name, kind of request, llama.cpp's build and system info; never the user's text).
A clean exit removes both. At the next start, a log with a stack in it belongs to a process
that crashed: it becomes a crash report, and each surface (the window, the command line)
explains it once.
"""

from __future__ import annotations

import atexit
import faulthandler
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

FOLDER = "crashes"
REPORTS_KEPT = 20
PORTABLE_BUILD_COMMAND = "make llama-portable"

ACTIVITIES = {
    "starting": QT_TRANSLATE_NOOP("Crash", "while starting"),
    "idle": QT_TRANSLATE_NOOP("Crash", "while no request was running"),
    "loading": QT_TRANSLATE_NOOP("Crash", "while loading the model {model}"),
    "chat": QT_TRANSLATE_NOOP("Crash", "while generating a reply with {model}"),
    "continuation": QT_TRANSLATE_NOOP("Crash", "while continuing a draft with {model}"),
    "prompt": QT_TRANSLATE_NOOP("Crash", "while generating text with {model}"),
}

ENGINE_CRASH = QT_TRANSLATE_NOOP(
    "Crash", "The last session of Inkwell ended in a crash inside the engine (llama.cpp: {fault}) {activity}. "
    "Nothing you typed is lost. The report is in {path}. What to try: rebuild llama.cpp for any CPU "
    "with `{command}` in Inkwell's folder; use a smaller context or fewer GPU layers in Settings.")
OTHER_CRASH = QT_TRANSLATE_NOOP(
    "Crash", "The last session of Inkwell ended in a crash ({fault}) {activity}. Nothing you typed is lost. "
    "The report is in {path}.")


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process holds that number now
    except OSError:
        return False
    return True


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)


class CrashGuard:
    """Arms faulthandler for this process and keeps the note of what the engine is doing."""

    def __init__(self, data_dir: Path, surface: str) -> None:
        self.folder = Path(data_dir) / FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        self.log_path = self.folder / f"running-{pid}.log"
        self.state_path = self.folder / f"running-{pid}.json"
        self.state: dict[str, object] = {"pid": pid, "surface": surface, "started": time.time(),
                                         "activity": "starting", "model": ""}
        self._log = self.log_path.open("w", encoding="utf-8")
        faulthandler.enable(file=self._log, all_threads=True)
        self._write()
        atexit.register(self.close)

    def note(self, **facts: object) -> None:
        self.state.update(facts)
        try:
            self._write()
        except OSError:
            pass  # a full disk must not fail a request; the log itself is already open

    def _write(self) -> None:
        _write_json(self.state_path, self.state)

    def close(self) -> None:
        """A clean exit: nothing to report."""
        global _guard
        if self._log.closed:
            return
        faulthandler.disable()
        self._log.close()
        for path in (self.log_path, self.state_path):
            path.unlink(missing_ok=True)
        if _guard is self:
            _guard = None


_guard: CrashGuard | None = None


def arm(data_dir: Path, surface: str) -> CrashGuard:
    """Starts watching this process for native crashes (once per process)."""
    global _guard
    if _guard is None:
        _guard = CrashGuard(data_dir, surface)
    return _guard


def note_activity(**facts: object) -> None:
    """What the engine is doing now, for the report of a crash; nothing when not armed."""
    if _guard is not None:
        _guard.note(**facts)


@dataclass(frozen=True)
class CrashReport:
    path: Path  # the report file, for the user to open or attach
    facts: dict

    @property
    def fault(self) -> str:
        return str(self.facts.get("fault", ""))

    def notice(self) -> Translatable:
        activity = ACTIVITIES.get(str(self.facts.get("activity")), ACTIVITIES["idle"])
        activity = activity.format(model=self.facts.get("model") or "?")
        template = ENGINE_CRASH if self.facts.get("in_engine") else OTHER_CRASH
        return template.format(
            fault=self.fault or "?", activity=activity, path=str(self.path), command=PORTABLE_BUILD_COMMAND)


def _fault_line(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("Fatal Python error:"):
            return line.partition(":")[2].strip()
    return ""


def _collect(folder: Path) -> None:
    """Turns what crashed processes left into reports; drops what clean or killed ones left."""
    for state_path in folder.glob("running-*.json"):
        try:
            pid = int(state_path.stem.split("-", 1)[1])
        except ValueError:
            continue
        if pid == os.getpid() or _process_alive(pid):
            continue
        log_path = state_path.with_suffix(".log")
        try:
            log = log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            log = ""
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            if not isinstance(state, dict):
                state = {}
        except (OSError, ValueError, RecursionError):
            state = {}
        if log.strip():  # faulthandler wrote a stack: a crash (a SIGKILL or power cut writes none)
            stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(log_path.stat().st_mtime))
            report = folder / f"crash-{stamp}-{pid}.txt"
            facts = {**state, "fault": _fault_line(log),
                     "in_engine": "llama_cpp" in log or state.get("activity") not in (None, "idle", "starting"),
                     "shown": []}
            header = "\n".join(f"{key}: {value}" for key, value in facts.items() if key != "shown")
            report.write_text(f"Inkwell crash report\n{header}\n\n{log}", encoding="utf-8")
            _write_json(report.with_suffix(".json"), facts)
        log_path.unlink(missing_ok=True)
        state_path.unlink(missing_ok=True)
    reports = sorted(folder.glob("crash-*.txt"))
    for old in reports[:-REPORTS_KEPT]:
        old.unlink(missing_ok=True)
        old.with_suffix(".json").unlink(missing_ok=True)


def take_crash_reports(data_dir: Path, surface: str) -> list[CrashReport]:
    """Crashes that ``surface`` ("window" or "cli") has not explained yet; each is returned
    once per surface."""
    folder = Path(data_dir) / FOLDER
    if not folder.is_dir():
        return []
    try:
        _collect(folder)
    except OSError:
        return []
    reports = []
    for facts_path in sorted(folder.glob("crash-*.json")):
        try:
            facts = json.loads(facts_path.read_text(encoding="utf-8"))
            if not isinstance(facts, dict) or surface in facts.get("shown", []):
                continue
            facts["shown"] = [*facts.get("shown", []), surface]
            _write_json(facts_path, facts)
        except (OSError, ValueError, TypeError, RecursionError):
            continue
        reports.append(CrashReport(facts_path.with_suffix(".txt"), facts))
    return reports
