"""The optional language-model backend: configuration, the HTTP call, checking its answers.

No test needs a model: the endpoint is ``httpx.MockTransport`` or a local stand-in server that
answers like an OpenAI-compatible ``/chat/completions`` endpoint.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from click.testing import CliRunner

from cartnav.cli import main
from cartnav.criteria import parse_criteria
from cartnav.criteria.model_backend import ModelBackendError, ModelClient, ModelConfig
from cartnav.criteria.refine import MODEL_SOURCE, locate, refine_items
from cartnav.domain.criterion import Constraint, CriterionItem

TEXT = """Inclusion Criteria:
- Relapsed or refractory CD19-positive B-ALL
- Fibrinogen level above 150 mg/dL without transfusion
- Able to swallow tablets
Exclusion Criteria:
- Ferritin above 5000 ng/mL
"""


def _completion(content: Any) -> dict[str, Any]:
    text = content if isinstance(content, str) else json.dumps(content)
    return {"choices": [{"message": {"role": "assistant", "content": text}}]}


class FakeAsker:
    """Answers by the first keyword found in the criterion; records what it was asked."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str]] = []

    def ask(self, kind: str, text: str) -> str:
        self.asked.append((kind, text))
        for key, answer in self.answers.items():
            if key in text:
                if isinstance(answer, Exception):
                    raise answer
                return answer if isinstance(answer, str) else json.dumps(answer)
        return json.dumps({"constraints": []})


FIBRINOGEN = {
    "constraints": [
        {
            "type": "lab",
            "analyte": "fibrinogen",
            "op": ">",
            "value": 150,
            "unit": "mg_dl",
            "evidence": "Fibrinogen level above 150 mg/dL",
        }
    ]
}


def test_only_unread_items_are_sent_and_answers_become_constraints() -> None:
    items = parse_criteria(TEXT)
    unread = [i.text for i in items if all(c.type == "unknown" for c in i.constraints)]
    asker = FakeAsker({"Fibrinogen": FIBRINOGEN})
    refined, report = refine_items(items, asker)
    assert [text for _, text in asker.asked] == unread  # the rules' readings are never sent
    assert "Relapsed or refractory CD19-positive B-ALL" not in unread
    by_text = {i.text: i for i in refined}
    fibrinogen = by_text["Fibrinogen level above 150 mg/dL without transfusion"]
    (constraint,) = fibrinogen.constraints
    assert constraint.type == "lab" and constraint.attrs["source"] == MODEL_SOURCE
    assert constraint.attrs["value"] == 150 and constraint.attrs["op"] == ">"
    assert fibrinogen.text[slice(*constraint.span)] == "Fibrinogen level above 150 mg/dL"
    # an empty answer leaves the item as the rules had it
    assert by_text["Able to swallow tablets"].constraints[0].type == "unknown"
    assert report.asked == len(unread) and report.refined == 1 and report.failed == 0
    # everything else is unchanged, offsets included
    assert [(i.start, i.end, i.kind) for i in refined] == [(i.start, i.end, i.kind) for i in items]


@pytest.mark.parametrize(
    ("answer", "failed", "rejected"),
    [
        ("this is not JSON", 1, 0),
        ({"answer": "platelets"}, 1, 0),
        # words that are not in the item: not a reading of it
        ({"constraints": [{**FIBRINOGEN["constraints"][0], "evidence": "Fibrinogen > 100"}]}, 0, 1),
        # out of shape: an unknown operator, an unknown type, a missing field
        ({"constraints": [{**FIBRINOGEN["constraints"][0], "op": "about"}]}, 0, 1),
        ({"constraints": [{"type": "mood", "evidence": "Fibrinogen"}]}, 0, 1),
        ({"constraints": [{"type": "prior_therapy", "evidence": "Fibrinogen"}]}, 0, 1),
    ],
    ids=["not-json", "no-list", "words-not-in-item", "bad-op", "bad-type", "missing-field"],
)
def test_an_answer_that_does_not_hold_up_changes_nothing(
    answer: Any, failed: int, rejected: int
) -> None:
    items = parse_criteria(TEXT)
    refined, report = refine_items(items, FakeAsker({"Fibrinogen": answer}))
    assert refined == items
    assert (report.failed, report.rejected, report.refined) == (failed, rejected, 0)


def test_a_fenced_answer_is_read() -> None:
    items = parse_criteria(TEXT)
    fenced = "```json\n" + json.dumps(FIBRINOGEN) + "\n```"
    _, report = refine_items(items, FakeAsker({"Fibrinogen": fenced}))
    assert report.refined == 1


def test_a_failing_endpoint_is_given_up_and_the_batch_goes_on() -> None:
    items = [
        CriterionItem("inclusion", f"unread item number {n}", 0, 20, None, None,
                      (Constraint("unknown", {}, (0, 20)),))
        for n in range(6)
    ]  # fmt: skip
    asker = FakeAsker({"unread": ModelBackendError("the model endpoint answered HTTP 503")})
    refined, report = refine_items(items, asker)
    assert refined == items
    assert len(asker.asked) == 3 and report.failed == 3 and report.skipped == 3
    assert report.errors == ["the model endpoint answered HTTP 503"]


def test_the_same_text_is_asked_once() -> None:
    item = CriterionItem(
        "exclusion", "Known allergy to tocilizumab", 0, 28, None, None,
        (Constraint("unknown", {}, (0, 28)),),
    )  # fmt: skip
    asker = FakeAsker({})
    refine_items([item, item], asker)
    assert len(asker.asked) == 1


def test_locate_ignores_case_and_whitespace_runs() -> None:
    text = "Platelets  at least\n   50,000/uL"
    assert locate("platelets at least 50,000/uL", text) == (0, len(text))
    assert locate(" ", text) is None and locate("neutrophils", text) is None


# --- configuration and the HTTP call -------------------------------------------------------


def test_config_from_the_environment() -> None:
    assert ModelConfig.from_env({}) is None
    config = ModelConfig.from_env(
        {
            "CARTNAV_LLM_BASE_URL": "http://localhost:8000/v1/",
            "CARTNAV_LLM_MODEL": "local-model",
            "CARTNAV_LLM_API_KEY": "sk-secret",
        }
    )
    assert config is not None and config.base_url == "http://localhost:8000/v1"
    assert "sk-secret" not in repr(config)
    with pytest.raises(ModelBackendError, match="CARTNAV_LLM_MODEL"):
        ModelConfig.from_env({"CARTNAV_LLM_BASE_URL": "http://localhost:8000/v1"})
    with pytest.raises(ModelBackendError, match="http"):
        ModelConfig.from_env({"CARTNAV_LLM_BASE_URL": "localhost", "CARTNAV_LLM_MODEL": "m"})


def test_the_request_carries_the_criterion_only() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=_completion(FIBRINOGEN))

    config = ModelConfig("http://model.test/v1", "local-model", "sk-secret")
    with ModelClient(config, transport=httpx.MockTransport(handler)) as client:
        answer = client.ask("inclusion", "Fibrinogen level above 150 mg/dL")
    assert json.loads(answer) == FIBRINOGEN
    (request,) = seen
    assert str(request.url) == "http://model.test/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer sk-secret"
    body = json.loads(request.content)
    assert body["model"] == "local-model" and body["temperature"] == 0
    assert body["messages"][-1]["content"] == (
        "Section: inclusion\nCriterion: Fibrinogen level above 150 mg/dL"
    )


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(500, text="boom"), "HTTP 500"),
        (httpx.Response(200, text="<html>"), "not a chat completion"),
        (httpx.Response(200, json={"choices": []}), "not a chat completion"),
        (httpx.Response(200, json=_completion(None) | {"choices": [{"message": {}}]}), "not a"),
    ],
    ids=["server-error", "html", "no-choice", "no-content"],
)
def test_endpoint_failures_are_one_clear_error(response: httpx.Response, message: str) -> None:
    config = ModelConfig("http://model.test/v1", "m", "sk-secret")
    transport = httpx.MockTransport(lambda request: response)
    with (
        ModelClient(config, transport=transport) as client,
        pytest.raises(ModelBackendError, match=message) as caught,
    ):
        client.ask("inclusion", "Fibrinogen level above 150 mg/dL")
    assert "sk-secret" not in str(caught.value) and "Fibrinogen" not in str(caught.value)


def test_an_unreachable_endpoint_is_one_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    config = ModelConfig("http://model.test/v1", "m")
    with (
        ModelClient(config, transport=httpx.MockTransport(handler)) as client,
        pytest.raises(ModelBackendError, match="could not be reached"),
    ):
        client.ask("exclusion", "anything")


# --- end to end: `cartnav trials show --criteria --refine` against a local stand-in endpoint --


class _Endpoint(http.server.BaseHTTPRequestHandler):
    """A stand-in OpenAI-compatible endpoint answering from ``ANSWERS`` by keyword."""

    answers: ClassVar[dict[str, Any]] = {}
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:  # the http.server hook
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                "body": body})  # fmt: skip
        criterion = body["messages"][-1]["content"]
        content: Any = {"constraints": []}
        for key, answer in self.answers.items():
            if key in criterion:
                content = answer
        payload = json.dumps(_completion(content)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # silent
        pass


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Endpoint]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Endpoint.answers, _Endpoint.seen = {"Fibrinogen": FIBRINOGEN}, []
    monkeypatch.setenv("CARTNAV_LLM_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("CARTNAV_LLM_MODEL", "stand-in")
    monkeypatch.setenv("CARTNAV_LLM_API_KEY", "sk-test")
    try:
        yield _Endpoint
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stored(tmp_path: Path) -> str:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT99000001", "briefTitle": "A CD19 CAR-T trial"},
            "eligibilityModule": {"eligibilityCriteria": TEXT},
        }
    }
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'trials.db'}"
    result = CliRunner().invoke(main, ["trials", "import", str(path), "--database-url", url])
    assert result.exit_code == 0, result.output
    return url


def test_trials_show_refines_the_unread_items(endpoint: type[_Endpoint], stored: str) -> None:
    args = ["trials", "show", "NCT99000001", "--criteria", "--refine", "--json"]
    result = CliRunner().invoke(main, [*args, "--database-url", stored])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_text = {item["text"]: item for item in data["criteria"]}
    (reading,) = by_text["Fibrinogen level above 150 mg/dL without transfusion"]["constraints"]
    assert reading["type"] == "lab" and reading["source"] == "model"
    unread = by_text["Able to swallow tablets"]["constraints"]
    assert unread == [{"type": "unknown", "span": [0, 23]}]
    refinement = data["criteria_refinement"]
    assert refinement["model"] == "stand-in"
    assert refinement["asked"] == len(endpoint.seen) == 3 and refinement["refined"] == 1
    assert {seen["path"] for seen in endpoint.seen} == {"/v1/chat/completions"}
    assert {seen["auth"] for seen in endpoint.seen} == {"Bearer sk-test"}
    # for people: the model's readings are marked
    text = CliRunner().invoke(main, [*args[:-1], "--database-url", stored]).output
    assert "lab (model)" in text and "for the study team to confirm" in text


def test_refine_without_an_endpoint_is_one_clear_error(
    stored: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTNAV_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("CARTNAV_LLM_MODEL", raising=False)
    args = ["trials", "show", "NCT99000001", "--criteria", "--refine", "--database-url", stored]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "CARTNAV_LLM_BASE_URL" in result.output and "Traceback" not in result.output
    # and the default needs no model at all
    plain = CliRunner().invoke(main, ["trials", "show", "NCT99000001", "--criteria",
                                      "--database-url", stored])  # fmt: skip
    assert plain.exit_code == 0 and "(model)" not in plain.output
