"""An optional language-model backend: an OpenAI-compatible ``/chat/completions`` endpoint.

Off by default: nothing here runs unless the user configures an endpoint
(``CARTNAV_LLM_BASE_URL`` and ``CARTNAV_LLM_MODEL``, optionally ``CARTNAV_LLM_API_KEY``) and asks
for it (``cartnav trials show NCT... --criteria --refine``). Only the text of one criterion item
and its section are sent, never anything about a patient. :mod:`cartnav.criteria.refine` decides
which items to send and checks every answer; this module only talks HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from cartnav.domain.errors import CartnavError

ENV_BASE_URL = "CARTNAV_LLM_BASE_URL"
ENV_MODEL = "CARTNAV_LLM_MODEL"
ENV_API_KEY = "CARTNAV_LLM_API_KEY"


class ModelBackendError(CartnavError):
    """The model backend is not configured, or its endpoint failed or answered out of shape."""


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """Where the endpoint is: ``base_url`` ends before ``/chat/completions`` (".../v1")."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0

    def __repr__(self) -> str:  # the key never appears in logs or tracebacks
        return f"ModelConfig(base_url={self.base_url!r}, model={self.model!r})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ModelConfig | None:
        """The configuration in the environment, or ``None`` when no endpoint is set."""
        env = os.environ if environ is None else environ
        base_url = env.get(ENV_BASE_URL, "").strip()
        model = env.get(ENV_MODEL, "").strip()
        if not base_url and not model:
            return None
        if not base_url or not model:
            missing = ENV_BASE_URL if not base_url else ENV_MODEL
            raise ModelBackendError(f"the model backend needs {missing} as well")
        if not base_url.startswith(("http://", "https://")):
            raise ModelBackendError(f"{ENV_BASE_URL} must be an http:// or https:// URL")
        return cls(base_url.rstrip("/"), model, env.get(ENV_API_KEY, "").strip() or None)


SYSTEM_PROMPT = """\
You read one eligibility criterion of a clinical trial and return the facts it states as JSON.
Answer with one JSON object: {"constraints": [...]}. Each constraint has "type", the fields of its
type, and "evidence": the exact words of the criterion it rests on, copied character for
character. Types and fields:
- age: min_years, max_years (numbers or null)
- disease: disease (B-ALL, T-ALL, AML, MPAL, ALL, CLL, DLBCL, FL, MCL, Burkitt, CML, myeloma,
  lymphoma, ...), negated (true when the text says the patient must not have it)
- antigen: antigen (CD19, CD22, CD7, BCMA, ...), expression (positive|negative), threshold_pct
- disease_status: status (relapsed, refractory, relapsed_or_refractory, second_or_later_relapse,
  post_hsct, primary_refractory, mrd_positive, active_disease, extramedullary,
  isolated_extramedullary), threshold, unit (fraction|pct), op
- prior_therapy: therapy (car_t, cd19_directed, cd22_directed, blinatumomab, inotuzumab,
  gene_therapy, hsct, allo_hsct, auto_hsct, donor_lymphocyte_infusion, tki, chemotherapy,
  radiotherapy, steroids, immunosuppression, immunotherapy, investigational_agent, ...),
  requirement (required|excluded|allowed), within_days (a washout: "within 4 weeks" is 28)
- performance: scale (karnofsky|lansky|ecog), op, value
- lab: analyte (creatinine, creatinine_clearance, bilirubin, alt, ast, lvef,
  shortening_fraction, spo2, ...), op, value, unit (x_uln|mg_dl|umol_l|ml_min|pct)
- condition: condition (active_gvhd, active_infection, uncontrolled_infection, hiv, hbv, hcv,
  pregnancy, breastfeeding, cns3, cns_involvement, other_malignancy, ...), negated
- consent, logistics: no fields (not facts about the patient)
op is one of >=, >, <=, <, =. A constraint states what the text states; whether the criterion is
an inclusion or an exclusion is given separately and must not flip it. State only what the words
say; when unsure, return {"constraints": []}.
"""


class ModelClient:
    """Sends one criterion to the endpoint and returns the text of the model's answer."""

    def __init__(self, config: ModelConfig, *, transport: httpx.BaseTransport | None = None):
        self.config = config
        headers = {"Content-Type": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self._http = httpx.Client(
            base_url=config.base_url,
            headers=headers,
            timeout=config.timeout_s,
            transport=transport,
        )

    def __enter__(self) -> ModelClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def ask(self, kind: str, text: str) -> str:
        """The model's answer (the message content) for one criterion of ``kind``."""
        body: dict[str, Any] = {
            "model": self.config.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Section: {kind}\nCriterion: {text}"},
            ],
        }
        try:
            response = self._http.post("/chat/completions", json=body)
        except httpx.HTTPError as exc:
            raise ModelBackendError(
                f"the model endpoint could not be reached ({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            raise ModelBackendError(f"the model endpoint answered HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            message = "the model endpoint's answer is not a chat completion"
            raise ModelBackendError(message) from None
        if not isinstance(content, str):
            raise ModelBackendError("the model endpoint's answer has no text content")
        return content
