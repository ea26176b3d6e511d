"""Remote engines: OpenAI-compatible servers (llama.cpp's server, vLLM, Ollama, LM Studio).

Pure logic shared by the engine's HTTP backend, the settings UI and the CLI: the saved
engines, where their API keys live, URLs, the server-sent-events stream, token estimates and
what an HTTP failure means for a person.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from app.core.presets import keep_aside, read_config, write_json_atomically
from app.core.translatable import QT_TRANSLATE_NOOP

ENGINES_FILE = "remote_engines.json"
DEFAULT_TIMEOUT_S = 120
# Beyond these a number in the engines file is damage, not a choice (a day; 16M tokens).
MAX_TIMEOUT_S = 86_400
MAX_CONTEXT_LENGTH = 1 << 24
# When a server does not say how long its context is: small enough for any model served today.
ASSUMED_CONTEXT = 4096
KEYRING_SERVICE = "Inkwell remote engine"


class RemoteError(Exception):
    """A remote engine failed, described for a person: what happened and what to do.
    ``status`` is the HTTP status when the server answered with an error."""

    def __init__(self, message: str, status: int | None = None, route: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.route = route


@dataclass(frozen=True)
class RemoteEngine:
    name: str
    base_url: str
    model: str = ""  # empty: the first model the server lists
    timeout_s: int = DEFAULT_TIMEOUT_S
    context_length: int = 0  # 0: as the server says, or ASSUMED_CONTEXT

    @property
    def api_base(self) -> str:
        return api_base(self.base_url)

    def describe(self) -> str:
        return f"{self.name} ({self.model or 'first model'} at {self.api_base})"


# -- URLs -----------------------------------------------------------------------------------


def normalize_url(url: str) -> str:
    """The URL as typed, checked and without trailing slashes; raises ValueError."""
    url = url.strip()
    if not url.rstrip("/"):
        raise ValueError(QT_TRANSLATE_NOOP("Remote", "Enter the server's address, for example http://localhost:8080."))
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(QT_TRANSLATE_NOOP("Remote", "'{url}' is not an http:// or https:// address.").format(url=url))
    if not parts.hostname:
        raise ValueError(QT_TRANSLATE_NOOP("Remote", "'{url}' names no host.").format(url=url))
    try:
        parts.port
    except ValueError:
        raise ValueError(QT_TRANSLATE_NOOP("Remote", "'{url}' has an invalid port.").format(url=url)) from None
    return url.rstrip("/")


def api_base(url: str) -> str:
    """Where the OpenAI routes are: servers are entered with or without the /v1."""
    url = normalize_url(url)
    return url if url.endswith("/v1") else url + "/v1"


def server_root(url: str) -> str:
    """Where a server's own routes are (llama.cpp's /props and /tokenize)."""
    return api_base(url)[: -len("/v1")]


# -- saved engines --------------------------------------------------------------------------


def parse_engines(data: object) -> list[RemoteEngine]:
    if not isinstance(data, list):
        raise ValueError("expected a list of engines")
    known = {f.name for f in fields(RemoteEngine)}
    engines: list[RemoteEngine] = []
    for item in data:
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise ValueError("every engine needs a name")
        values = {k: v for k, v in item.items() if k in known}
        engine = RemoteEngine(
            name=str(values["name"]).strip(),
            base_url=normalize_url(str(values.get("base_url", ""))),
            model=str(values.get("model", "") or ""),
            timeout_s=_positive_int(values.get("timeout_s", DEFAULT_TIMEOUT_S), "timeout_s", MAX_TIMEOUT_S),
            context_length=_positive_int(values.get("context_length", 0), "context_length", MAX_CONTEXT_LENGTH,
                                         allow_zero=True),
        )
        engines.append(engine)
    return engines


def _positive_int(value: object, what: str, maximum: int, allow_zero: bool = False) -> int:
    # Checked before int(): int() of 1e999 (inf) raises OverflowError, of NaN ValueError, and
    # repr() of a 5,000-digit int ValueError; none of them may escape the file's reader.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    if not (0 if allow_zero else 1) <= value <= maximum:  # false for NaN too
        shown = repr(value) if isinstance(value, float) or abs(value) <= maximum else "a number that large"
        raise ValueError(f"{what} must be a whole number from {0 if allow_zero else 1} to {maximum}, not {shown}")
    if value != int(value):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return int(value)


class EngineList:
    """The user's remote engines, in ``remote_engines.json`` in the config folder. API keys
    are never written here: see :class:`KeyStore`."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / ENGINES_FILE

    def load(self) -> tuple[list[RemoteEngine], str | None]:
        """The engines, and a message when the file could not be read (it is then kept
        aside, so that a later save does not destroy it)."""
        if not self.path.exists():
            return [], None
        try:
            return read_config(self.path, parse_engines), None
        except (OSError, ValueError) as error:
            moved = keep_aside(self.path)
            return [], QT_TRANSLATE_NOOP(
                "Remote", "The remote engines file could not be read ({error}); it was kept as {name}."
            ).format(error=str(error), name=moved.name)

    def save(self, engines: Iterable[RemoteEngine]) -> None:
        write_json_atomically(self.path, [asdict(engine) for engine in engines])

    def find(self, name: str) -> RemoteEngine | None:
        engines, _ = self.load()
        return next((e for e in engines if e.name.casefold() == name.strip().casefold()), None)

    def put(self, engine: RemoteEngine, replacing: str | None = None) -> None:
        """Adds ``engine``, or replaces the one named ``replacing`` (or like it) in place."""
        engines, _ = self.load()
        names = {engine.name.casefold(), (replacing or engine.name).casefold()}
        for index, existing in enumerate(engines):
            if existing.name.casefold() in names:
                engines[index] = engine
                engines = [e for i, e in enumerate(engines) if i == index or e.name.casefold() not in names]
                break
        else:
            engines.append(engine)
        self.save(engines)

    def remove(self, name: str) -> None:
        engines, _ = self.load()
        self.save([e for e in engines if e.name.casefold() != name.casefold()])


class KeyStore:
    """API keys in the system keychain (``keyring``). Where no keychain answers, a key is kept
    in memory for this session only: never in a plain file."""

    def __init__(self, backend=None) -> None:
        self._session: dict[str, str] = {}
        self._backend = backend
        # Looked up when a key is first needed: finding the keychain may talk to a service
        # (D-Bus on Linux), and an app that uses no remote engine need not.
        self._looked_up = backend is not None

    def _keychain(self):
        if not self._looked_up:
            self._looked_up = True
            try:
                import keyring
                from keyring.backends import fail

                backend = keyring.get_keyring()
                if not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0:
                    self._backend = backend
            except Exception:  # noqa: BLE001 - a broken keychain must not stop the app
                self._backend = None
        return self._backend

    @property
    def persistent(self) -> bool:
        """Whether keys outlive this session (a system keychain is there)."""
        return self._keychain() is not None

    def get(self, engine_name: str) -> str:
        if engine_name in self._session:
            return self._session[engine_name]
        if self._keychain() is not None:
            try:
                return self._backend.get_password(KEYRING_SERVICE, engine_name) or ""
            except Exception:  # noqa: BLE001
                return ""
        return ""

    def set(self, engine_name: str, key: str) -> str | None:
        """Stores ``key`` (an empty one deletes it). Returns a message when it could only be
        kept for this session."""
        if not key:
            self.delete(engine_name)
            return None
        if self._keychain() is not None:
            try:
                self._backend.set_password(KEYRING_SERVICE, engine_name, key)
                self._session.pop(engine_name, None)
                return None
            except Exception as error:  # noqa: BLE001
                self._session[engine_name] = key
                return QT_TRANSLATE_NOOP(
                    "Remote", "The system keychain refused the API key ({error}); it is kept until Inkwell closes."
                ).format(error=type(error).__name__)
        self._session[engine_name] = key
        return QT_TRANSLATE_NOOP("Remote", "No system keychain is available, so the API key is kept only until Inkwell closes.")

    def delete(self, engine_name: str) -> None:
        self._session.pop(engine_name, None)
        if self._keychain() is not None:
            try:
                self._backend.delete_password(KEYRING_SERVICE, engine_name)
            except Exception:  # noqa: BLE001 - nothing stored is fine
                pass

    def rename(self, old: str, new: str) -> None:
        if old == new:
            return
        key = self.get(old)
        self.delete(old)
        if key:
            self.set(new, key)


def engine_from_url(url: str, model: str = "", timeout_s: int = DEFAULT_TIMEOUT_S) -> RemoteEngine:
    """An unsaved engine for a URL given on the command line."""
    return RemoteEngine(name=normalize_url(url), base_url=normalize_url(url), model=model, timeout_s=timeout_s)


def with_model(engine: RemoteEngine, model: str) -> RemoteEngine:
    return replace(engine, model=model) if model else engine


# -- server-sent events ---------------------------------------------------------------------


def sse_data(lines: Iterable[bytes]) -> Iterator[str]:
    """The ``data`` of each event of a server-sent-events stream, joined as the standard says
    when an event has several data lines. Comments and other fields are skipped."""
    data: list[str] = []
    for raw in lines:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)


@dataclass(frozen=True)
class StreamDelta:
    text: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    error: str | None = None


def parse_chunk(data: str) -> StreamDelta:
    """One streamed chunk of /v1/chat/completions or /v1/completions."""
    try:
        chunk = json.loads(data)
    except json.JSONDecodeError:
        return StreamDelta(error=QT_TRANSLATE_NOOP(
            "Remote", "The server sent something that is not JSON: {data}").format(data=repr(data[:120])))
    if not isinstance(chunk, dict):
        return StreamDelta()
    if "error" in chunk:
        return StreamDelta(error=error_text(chunk["error"]))
    usage = chunk.get("usage") or {}
    text, finish = "", None
    choices = chunk.get("choices") or []
    if choices and isinstance(choices[0], dict):
        choice = choices[0]
        delta = choice.get("delta")
        if isinstance(delta, dict):
            text = delta.get("content") or ""
        else:
            text = choice.get("text") or ""
        finish = choice.get("finish_reason")
    return StreamDelta(
        text=text if isinstance(text, str) else "",
        finish_reason=finish,
        prompt_tokens=usage.get("prompt_tokens") if isinstance(usage, dict) else None,
        completion_tokens=usage.get("completion_tokens") if isinstance(usage, dict) else None,
    )


def error_text(error: object) -> str:
    """The human part of an error body: OpenAI's {"error": {"message"}}, FastAPI's
    {"detail"}, Ollama's {"error": "..."}, or the text itself."""
    if isinstance(error, dict):
        for key in ("message", "detail", "error"):
            if key in error:
                return error_text(error[key])
        return json.dumps(error)[:300]
    if isinstance(error, list):
        return "; ".join(error_text(item) for item in error[:3])
    return str(error)[:300]


def body_error_text(body: bytes) -> str:
    try:
        return error_text(json.loads(body.decode("utf-8", "replace")))
    except (json.JSONDecodeError, ValueError):
        return body.decode("utf-8", "replace").strip()[:300]


# -- what the server says about itself ------------------------------------------------------


def model_ids(listing: object) -> list[str]:
    """The model names in a /v1/models answer."""
    data = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(data, list):
        raise RemoteError(QT_TRANSLATE_NOOP(
            "Remote", "The server's model list is not in the OpenAI format; is this an OpenAI-compatible server?"))
    return [str(item["id"]) for item in data if isinstance(item, dict) and "id" in item]


def context_from_models(listing: object, model: str) -> int | None:
    """vLLM says each model's context length as ``max_model_len`` in /v1/models."""
    data = listing.get("data") if isinstance(listing, dict) else None
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and item.get("id") == model:
            for key in ("max_model_len", "context_length", "max_context_length"):
                value = item.get(key)
                if isinstance(value, int) and value > 0:
                    return value
    return None


def context_from_props(props: object) -> int | None:
    """llama.cpp's server says its context length in /props."""
    if not isinstance(props, dict):
        return None
    settings = props.get("default_generation_settings")
    for source in (settings, props):
        if isinstance(source, dict):
            value = source.get("n_ctx")
            if isinstance(value, int) and value > 0:
                return value
    return None


# -- token counts ---------------------------------------------------------------------------

_WIDE = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff]"
)
_MARK = re.compile(r"[^\w\s]|\n")


def upper_token_estimate(text: str) -> int:
    """A count that errs high, for servers that cannot tokenize (app.core.rewrite's
    estimate_tokens is a middle guess, for sizing a rewrite): common tokenizers give 3.5 to
    4.5 characters of English per token, and from under one to over two tokens per CJK
    character (vocabularies made mostly for English fall back to its UTF-8 bytes), so this
    counts two and a half tokens per CJK character, one per punctuation mark or symbol (code is
    full of them) and one per three characters of the rest."""
    wide = len(_WIDE.findall(text))
    marks = len(_MARK.findall(_WIDE.sub("", text)))
    return math.ceil(wide * 2.5 + marks + (len(text) - wide - marks) / 3)


# Role headers and separators a chat template adds around each message.
MESSAGE_OVERHEAD_TOKENS = 8


def describe_status(status: int, body: bytes, engine: RemoteEngine, retry_after: str | None = None) -> str:
    detail = body_error_text(body)
    where = engine.api_base
    if status in (401, 403):
        message = QT_TRANSLATE_NOOP("Remote", "{url} refused the API key ({status}). Check the key in the engine's "
                                    "settings (or the --api-key-env variable).")
    elif status == 404 and engine.model and "model" in detail.lower():
        message = QT_TRANSLATE_NOOP("Remote", "{url} has no model named '{model}'. Choose one of the server's models.")
    elif status == 404:
        message = QT_TRANSLATE_NOOP("Remote", "{url} answered 404: nothing there. Check the URL (servers usually "
                                    "end in /v1) and the model name.")
    elif status == 429 and retry_after:
        message = QT_TRANSLATE_NOOP("Remote", "{url} is rate limiting requests (429) and asks to wait {seconds} "
                                    "seconds. Try again in a moment.")
    elif status == 429:
        message = QT_TRANSLATE_NOOP("Remote", "{url} is rate limiting requests (429). Try again in a moment.")
    elif status in (502, 503, 504):
        message = QT_TRANSLATE_NOOP("Remote", "{url} is unavailable right now ({status}); it may be loading a model "
                                    "or overloaded. Try again.")
    elif status >= 500:
        message = QT_TRANSLATE_NOOP("Remote", "{url} failed with a server error ({status}).")
    else:
        message = QT_TRANSLATE_NOOP("Remote", "{url} rejected the request ({status}).")
    message = message.format(url=where, status=status, model=engine.model, seconds=retry_after or "")
    if detail:
        message = QT_TRANSLATE_NOOP("Remote", "{message} The server said: {detail}").format(message=message, detail=detail)
    return message


def describe_connection_error(error: BaseException, engine: RemoteEngine) -> str:
    where = engine.api_base
    text = str(error)
    if isinstance(error, TimeoutError):
        message = QT_TRANSLATE_NOOP("Remote", "{url} did not answer within {seconds} seconds. The server may be busy; "
                                    "try again, or raise the engine's timeout.")
    elif isinstance(error, ConnectionRefusedError):
        message = QT_TRANSLATE_NOOP("Remote", "Nothing answers at {url}: is the server running, and is the port right?")
    elif "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        message = QT_TRANSLATE_NOOP("Remote", "The host in {url} could not be found. Check the address.")
    elif "CERTIFICATE" in text.upper() or "SSL" in type(error).__name__.upper():
        message = QT_TRANSLATE_NOOP("Remote", "The secure connection to {url} failed ({error}).")
    else:
        message = QT_TRANSLATE_NOOP("Remote", "Could not reach {url} ({error}).")
    return message.format(url=where, seconds=engine.timeout_s, error=text or type(error).__name__)
