"""An OpenAI-compatible server behind the same interface as the local llama.cpp backend.

Streams /v1/chat/completions and /v1/completions over server-sent events with the standard
library's http.client, so that Stop can shut the socket down from another thread at once:
the server sees the connection close and stops generating.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

from app import __version__
from app.core.alternatives import UNKNOWN_TOKEN, Alternative, TokenChoice, TokenTrail, logprob_request, server_tokens
from app.core.chat_template import fit_messages
from app.core.generation import (
    TEMPLATE_ALLOWANCE,
    ChatMessage,
    GenerationRequest,
    GenerationStats,
    ModelInfo,
    prompt_budget,
)
from app.core.remote import (
    ASSUMED_CONTEXT,
    MESSAGE_OVERHEAD_TOKENS,
    RemoteEngine,
    RemoteError,
    context_from_models,
    context_from_props,
    describe_connection_error,
    describe_status,
    upper_token_estimate,
    model_ids,
    parse_chunk,
    server_root,
    sse_data,
)
from app.core.textstream import StopMatcher
from app.core.translatable import QT_TRANSLATE_NOOP
from app.core.writing import build_continuation

# Routes that tell a prompt's token count: llama-cpp-python's, then llama.cpp's and vLLM's.
TOKENIZE_ROUTES = ("/extras/tokenize/count", "/tokenize")
# The short requests made while connecting (model list, properties) wait at most this long.
PROBE_TIMEOUT_S = 10
CANCEL_POLL_S = 0.05


class RemoteBackend:
    """Not thread-safe: the engine thread uses it, except for the cancel event it watches."""

    def __init__(self, engine: RemoteEngine, api_key: str = "") -> None:
        self.engine = engine
        self._api_key = api_key
        self.info: ModelInfo | None = None
        self._model = ""  # the server's name for the model in use, once connected
        self.context_source = ""
        self.tokenize_route: str | None = None
        self._token_counts: dict[str, int] = {}
        self._completions_supported = True
        # Set once the server answered a request for token probabilities without them.
        self._sends_logprobs = True

    # -- HTTP ------------------------------------------------------------------------------

    def _connection(self, url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return factory(parts.hostname, parts.port, timeout=timeout), path

    def _headers(self, payload: bytes | None) -> dict[str, str]:
        headers = {"User-Agent": f"Inkwell/{__version__}", "Accept": "application/json, text/event-stream"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if payload is not None:
            headers["Content-Type"] = "application/json"
        return headers

    def _send(self, method: str, url: str, body: object | None, timeout: float):
        """Sends a request; returns the open connection and its response. Raises RemoteError."""
        connection, path = self._connection(url, timeout)
        payload = json.dumps(body).encode("utf-8") if body is not None else None
        try:
            connection.request(method, path, body=payload, headers=self._headers(payload))
            return connection, connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise RemoteError(describe_connection_error(error, self.engine)) from None

    def _json(self, method: str, url: str, body: object | None = None, timeout: float | None = None) -> object:
        """A short request's JSON answer. Raises RemoteError, with ``status`` set on HTTP errors."""
        connection, response = self._send(method, url, body, timeout or min(self.engine.timeout_s, PROBE_TIMEOUT_S))
        try:
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise RemoteError(describe_connection_error(error, self.engine)) from None
        finally:
            connection.close()
        if response.status >= 400:
            raise RemoteError(describe_status(response.status, data, self.engine, response.getheader("Retry-After")),
                              status=response.status)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise RemoteError(QT_TRANSLATE_NOOP(
                "Remote", "{url} answered with something that is not JSON; is this an OpenAI-compatible server?"
            ).format(url=self.engine.api_base)) from None

    def _optional_json(self, method: str, url: str, body: object | None = None) -> object | None:
        """Like _json, for routes only some servers have: None when this one has not."""
        try:
            return self._json(method, url, body)
        except RemoteError as error:
            if error.status is None or error.status in (401, 403):
                raise
            return None

    # -- connecting ------------------------------------------------------------------------

    def list_models(self) -> tuple[list[str], object]:
        listing = self._json("GET", self.engine.api_base + "/models")
        return model_ids(listing), listing

    def load(self) -> ModelInfo:
        """Asks the server for its models, context length and tokenizer. Raises RemoteError."""
        names, listing = self.list_models()
        if not names:
            raise RemoteError(QT_TRANSLATE_NOOP(
                "Remote", "{url} serves no model yet. Load one on the server, then try again."
            ).format(url=self.engine.api_base))
        model = self.engine.model or names[0]
        if self.engine.model and model not in names:
            raise RemoteError(QT_TRANSLATE_NOOP("Remote", "{url} has no model named '{model}'. It serves: {models}.").format(
                url=self.engine.api_base, model=model, models=", ".join(names[:8])))
        root = server_root(self.engine.base_url)
        n_ctx, self.context_source = self.engine.context_length, QT_TRANSLATE_NOOP("Remote", "your setting")
        if not n_ctx:
            n_ctx = context_from_models(listing, model) or 0
            self.context_source = QT_TRANSLATE_NOOP("Remote", "the server's model list")
        if not n_ctx:
            n_ctx = context_from_props(self._optional_json("GET", root + "/props")) or 0
            self.context_source = QT_TRANSLATE_NOOP("Remote", "from the server")
        if not n_ctx:
            n_ctx, self.context_source = ASSUMED_CONTEXT, QT_TRANSLATE_NOOP("Remote", "assumed: the server does not say")
        self._model = model
        self.tokenize_route = self._find_tokenizer(root)
        self._token_counts.clear()
        self._completions_supported = True
        self._sends_logprobs = True
        self.info = ModelInfo(
            path=f"{self.engine.api_base}#{model}",
            name=model.rsplit("/", 1)[-1],
            architecture="remote",
            n_ctx=n_ctx,
            n_ctx_train=n_ctx,
            has_chat_template=True,  # the server applies its own
            gpu_layers=0,
            total_layers=0,
            gpu_offload_supported=False,
            backend="Remote",
            offload_note=QT_TRANSLATE_NOOP("Remote", "Served by {url}; context {context} tokens ({source}).").format(
                url=self.engine.api_base, context=f"{n_ctx:,}", source=self.context_source),
            remote_engine=self.engine.name,
            # Asked of the server with every reply that wants them; llama.cpp's server and
            # vLLM send them. Branching needs token ids, which servers do not give.
            token_alternatives=True,
            token_branching=False,
        )
        return self.info

    def _find_tokenizer(self, root: str) -> str | None:
        for route in TOKENIZE_ROUTES:
            try:
                if self._count_with(root + route, "Hello") is not None:
                    return root + route
            except RemoteError:
                continue
        return None

    def _count_with(self, url: str, text: str) -> int | None:
        # One body for every server: each reads its own field and ignores the others.
        answer = self._optional_json("POST", url, {"input": text, "content": text, "prompt": text,
                                                   "model": self._model, "add_special": False})
        if isinstance(answer, dict):
            if isinstance(answer.get("count"), int):
                return answer["count"]
            if isinstance(answer.get("tokens"), list):
                return len(answer["tokens"])
        return None

    def count_tokens(self, text: str) -> int:
        """The server's count where it can tell, otherwise an estimate that errs high."""
        cached = self._token_counts.get(text)
        if cached is not None:
            return cached
        count = None
        if self.tokenize_route:
            try:
                count = self._count_with(self.tokenize_route, text)
            except RemoteError:
                count = None
        if count is None:
            count = upper_token_estimate(text)
        if len(self._token_counts) > 512:
            self._token_counts.clear()
        self._token_counts[text] = count
        return count

    def report(self) -> str:
        lines = [f"Remote engine '{self.engine.name}': {self.engine.api_base}."]
        if self.info is not None:
            lines.append(f"Model: {self._model}. Context: {self.info.n_ctx:,} tokens ({self.context_source}).")
            lines.append("Token counts: " + ("from the server." if self.tokenize_route else
                                             "estimated (the server has no tokenize route)."))
        return "\n".join(lines)

    def unload(self) -> None:
        self.info = None

    # -- requests --------------------------------------------------------------------------

    def _require_model(self) -> ModelInfo:
        if self.info is None:
            raise RemoteError(QT_TRANSLATE_NOOP("Remote", "Not connected to {url}. Connect to the engine first.").format(
                url=self.engine.api_base))
        return self.info

    def _chat_prompt_tokens(self, messages: tuple[ChatMessage, ...], extra: str = "") -> int:
        return (sum(self.count_tokens(m.content) + MESSAGE_OVERHEAD_TOKENS for m in messages)
                + MESSAGE_OVERHEAD_TOKENS + (self.count_tokens(extra) if extra else 0))

    def _sampling(self, request: GenerationRequest) -> dict:
        s = request.sampler
        body = {
            "temperature": s.temperature,
            "top_p": s.top_p,
            # Not in OpenAI's API, but llama.cpp, vLLM, Ollama and LM Studio read them.
            "top_k": s.top_k,
            "min_p": s.min_p,
            "repeat_penalty": s.repeat_penalty,
            "presence_penalty": s.presence_penalty,
            "frequency_penalty": s.frequency_penalty,
        }
        if s.dry_multiplier > 0:
            body.update(dry_multiplier=s.dry_multiplier, dry_base=s.dry_base,
                        dry_allowed_length=s.dry_allowed_length, dry_penalty_last_n=s.dry_penalty_last_n)
        if s.seed is not None:
            body["seed"] = s.seed
        if request.stop:
            body["stop"] = list(request.stop)
        if request.ignore_eos:
            body["ignore_eos"] = True
        return body

    def _plan(self, request: GenerationRequest) -> tuple[str, dict, int, int, int]:
        """The route, body, prompt tokens, oldest messages left out and, for a continuation,
        where in the draft the part the model sees begins."""
        info = self._require_model()
        budget = prompt_budget(info.n_ctx, request.max_tokens)
        if request.prompt is not None and self._completions_supported:
            return "/completions", {"prompt": request.prompt}, self.count_tokens(request.prompt), 0, 0
        if request.prompt is not None:
            messages = (ChatMessage("user", request.prompt),)
            return "/chat/completions", self._chat_body(messages), self._chat_prompt_tokens(messages), 0, 0
        if request.continuation is not None:
            source = request.continuation
            plain = source.mode == "plain" and self._completions_supported
            built = build_continuation(
                source.draft,
                budget_tokens=budget - (0 if plain else TEMPLATE_ALLOWANCE),
                count_tokens=self.count_tokens,
                memory=source.memory,
                authors_note=source.authors_note,
                mode="plain" if plain else "instruct",
            )
            if plain:
                prompt = built.prompt or ""
                return "/completions", {"prompt": prompt}, self.count_tokens(prompt), 0, built.visible_start
            return ("/chat/completions", self._chat_body(built.messages),
                    self._chat_prompt_tokens(built.messages), 0, built.visible_start)
        prefix = request.assistant_prefix
        kept, dropped = fit_messages(request.messages, lambda c: self._chat_prompt_tokens(tuple(c), prefix), budget)
        body = self._chat_body(tuple(kept))
        if prefix:
            # The reply so far is sent as the last message for the server to carry on from
            # (llama.cpp's server does so by itself; vLLM needs to be asked).
            body["messages"].append({"role": "assistant", "content": prefix})
            body.update(continue_final_message=True, add_generation_prompt=False)
        return "/chat/completions", body, self._chat_prompt_tokens(tuple(kept), prefix), dropped, 0

    def _chat_body(self, messages: tuple[ChatMessage, ...]) -> dict:
        return {"messages": [{"role": m.role, "content": m.content} for m in messages]}

    def generate(
        self,
        request: GenerationRequest,
        emit: Callable[[str], None],
        cancel: threading.Event,
        on_tokens: Callable[[list[TokenChoice]], None] | None = None,
    ) -> GenerationStats:
        """Streams the reply to ``emit``. Raises RemoteError for failures before any text; a
        connection lost mid-reply ends it as "interrupted", keeping what arrived.

        With ``on_tokens`` and ``request.alternatives``, the server is asked for each token's
        probability and top candidates (OpenAI's ``logprobs``), which go to ``on_tokens``
        after their text; a server that does not send them is named in the statistics'
        ``alternatives_note``."""
        if request.branch is not None:
            raise RemoteError(QT_TRANSLATE_NOOP(
                "Remote", "Branching a reply at a token needs the local engine: {url} names tokens by their "
                "text, not by the ids the model knows them by.").format(url=self.engine.api_base))
        started = time.perf_counter()
        wanted = on_tokens is not None and request.alternatives > 0
        ask = wanted and self._sends_logprobs
        while True:
            try:
                stats = self._generate(request, emit, cancel, started, on_tokens if ask else None)
                if wanted and not ask:  # this server is known not to send them
                    stats = replace(stats, alternatives_note=self._no_alternatives())
                return stats
            except RemoteError as error:
                if error.status in (404, 405) and error.route == "/completions" and self._completions_supported:
                    # A server without plain completions (some chat-only servers): continue with chat.
                    self._completions_supported = False
                    continue
                if error.status in (400, 422) and ask:
                    # A server that refuses the logprobs fields: the reply comes without them.
                    stats = self._generate(request, emit, cancel, started, None)
                    self._sends_logprobs = False
                    return replace(stats, alternatives_note=self._no_alternatives())
                raise

    def _no_alternatives(self):
        return QT_TRANSLATE_NOOP(
            "Remote", "{url} does not send token probabilities, so its replies have no alternatives "
            "(llama.cpp's server and vLLM send them).").format(url=self.engine.api_base)

    def _generate(self, request, emit, cancel, started, on_tokens=None) -> GenerationStats:
        info = self._require_model()
        route, body, prompt_tokens, dropped, visible_from = self._plan(request)
        if prompt_tokens >= info.n_ctx:
            raise RemoteError(QT_TRANSLATE_NOOP(
                "Remote", "The message is too long for the model's context ({tokens} tokens, the context holds "
                "{context}). Shorten it, or set a larger context for the engine if the server has one."
            ).format(tokens=f"{prompt_tokens:,}", context=f"{info.n_ctx:,}"))
        body.update(self._sampling(request))
        body.update(
            model=self._model,
            stream=True,
            stream_options={"include_usage": True},
            max_tokens=max(1, min(request.max_tokens, info.n_ctx - prompt_tokens)),
        )
        trail = TokenTrail() if on_tokens is not None else None
        if trail is not None:
            body.update(logprob_request(route, request.alternatives))
        described = 0  # tokens the server described
        sent = 0  # characters sent to ``emit``
        connection, path = self._connection(self.engine.api_base + route, self.engine.timeout_s)
        done = threading.Event()
        watcher = threading.Thread(target=_close_on_cancel, args=(connection, cancel, done), daemon=True)
        watcher.start()
        stopper = StopMatcher(request.stop)
        finish = "interrupted"
        error_text = ""
        generated = 0
        first_at: float | None = None
        usage_prompt = usage_completion = None
        try:
            payload = json.dumps(body).encode("utf-8")
            try:
                connection.request("POST", path, body=payload, headers=self._headers(payload))
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as error:
                if cancel.is_set():
                    return GenerationStats(request.request_id, "cancelled", total_seconds=time.perf_counter() - started)
                raise RemoteError(describe_connection_error(error, self.engine)) from None
            if response.status >= 400:
                raise RemoteError(describe_status(response.status, _read_quietly(response), self.engine,
                                                  response.getheader("Retry-After")), status=response.status, route=route)
            try:
                for data in sse_data(response):
                    if cancel.is_set():
                        finish = "cancelled"
                        break
                    if data.strip() == "[DONE]":
                        finish = finish if finish != "interrupted" else "stop"
                        break
                    delta = parse_chunk(data)
                    if trail is not None and not delta.error:
                        described += self._follow(trail, data, request.alternatives)
                    if delta.error:
                        if generated:
                            error_text = delta.error
                            break
                        raise RemoteError(QT_TRANSLATE_NOOP("Remote", "{url}: {error}").format(
                            url=self.engine.api_base, error=delta.error))
                    usage_prompt = delta.prompt_tokens or usage_prompt
                    usage_completion = delta.completion_tokens or usage_completion
                    if delta.text:
                        if first_at is None:
                            first_at = time.perf_counter()
                        generated += 1
                        text = stopper.feed(delta.text)
                        if text:
                            sent += len(text)
                            emit(text)
                        if trail is not None:
                            released = trail.release(sent)
                            if released:
                                on_tokens(released)
                        if stopper.stopped:
                            finish = "stop"
                            break
                    if delta.finish_reason:
                        finish = "length" if delta.finish_reason == "length" else "stop"
                        # Usage, when asked for, comes in one more chunk after this one.
            except (OSError, http.client.HTTPException) as error:
                if cancel.is_set():
                    finish = "cancelled"
                else:
                    error_text = describe_connection_error(error, self.engine)
            if cancel.is_set():
                finish = "cancelled"
            if finish == "interrupted" and not error_text:
                error_text = QT_TRANSLATE_NOOP("Remote", "The connection to {url} closed before the reply ended.").format(
                    url=self.engine.api_base)
        finally:
            done.set()
            connection.close()
        if finish == "interrupted" and generated == 0:
            raise RemoteError(error_text)
        tail = stopper.flush()
        if tail:
            sent += len(tail)
            emit(tail)
        note = ""
        if trail is not None:
            trail.flush()
            rest = trail.finish(sent)
            if rest:
                on_tokens(rest)
            if generated and not described:
                self._sends_logprobs = False
                note = self._no_alternatives()
        prompt_tokens = usage_prompt or prompt_tokens
        return GenerationStats.timed(
            request.request_id,
            finish,
            started=started,
            first_token_at=first_at,
            ended=time.perf_counter(),
            prompt_tokens=prompt_tokens,
            evaluated_tokens=prompt_tokens,  # a server's prompt cache is not reported
            generated_tokens=usage_completion or generated,
            dropped_messages=dropped,
            draft_visible_from=visible_from,
            error=error_text if finish == "interrupted" else "",
            alternatives_note=note,
        )

    @staticmethod
    def _follow(trail: TokenTrail, data: str, count: int) -> int:
        """Adds the tokens a chunk describes to ``trail``; returns how many there were."""
        try:
            described = server_tokens(json.loads(data), count)
        except json.JSONDecodeError:
            return 0
        for token in described or ():
            alternatives = tuple(Alternative(trail.text_of(piece), UNKNOWN_TOKEN, p) for piece, p in token.top)
            trail.add(UNKNOWN_TOKEN, token.piece, token.p, alternatives)
        return len(described or ())


def _close_on_cancel(connection: http.client.HTTPConnection, cancel: threading.Event, done: threading.Event) -> None:
    """Shuts the socket down as soon as the request is cancelled: a blocked read returns at
    once, and the server sees the client go."""
    while not done.wait(CANCEL_POLL_S):
        if cancel.is_set() and connection.sock is not None:
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return


def _read_quietly(response: http.client.HTTPResponse) -> bytes:
    try:
        return response.read(64 * 1024)
    except (OSError, http.client.HTTPException):
        return b""
