"""The patient profile (interfaces.md section 1): types and validation.

A missing fact is *unknown*, never *false*: every field is optional except the age (``age_years``
or ``birth_date``). Unknown keys, wrong types and impossible values are rejected with one
:class:`ProfileError` naming the field. Messages never echo free-text or numeric patient values;
they may echo an enumeration token the user typed (``'partial'``) and a key name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from cartnav.domain.errors import ProfileError

MarkerValue = Literal["positive", "negative", "dim", "unknown"]
Response = Literal["CR", "no_CR"]
RelapseSite = Literal["marrow", "cns", "testicular", "combined", "other"]

# Disease codes the rules know; any other text is accepted and treated as "other".
KNOWN_DISEASES = ("B-ALL", "T-ALL", "AML", "MPAL", "B-LBL", "ALL")

Pct = Annotated[float, Field(ge=0, le=100)]
XUln = Annotated[float, Field(ge=0, le=1000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Residence(_Strict):
    country: str | None = None
    city: str | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _both_coordinates(self) -> Residence:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self


class Diagnosis(_Strict):
    disease: str | None = None
    date: dt.date | None = None
    ph_positive: bool | None = None
    down_syndrome: bool | None = None
    cns_status: Literal["CNS1", "CNS2", "CNS3"] | None = None


class _Event(_Strict):
    date: dt.date | None = None


class Induction(_Event):
    type: Literal["induction"]
    response: Response | None = None


class Reinduction(_Event):
    type: Literal["reinduction"]
    response: Response | None = None


class Relapse(_Event):
    type: Literal["relapse"]
    site: RelapseSite | None = None
    on_therapy: bool | None = None


class Hsct(_Event):
    type: Literal["hsct"]
    donor: Literal["allogeneic", "autologous"] | None = None


class CarT(_Event):
    type: Literal["car_t"]
    product: str | None = None
    target: str | None = None
    response: Response | None = None


class Therapy(_Event):
    type: Literal["therapy"]
    agent: str | None = None
    response: Response | None = None


Event = Induction | Reinduction | Relapse | Hsct | CarT | Therapy
EVENT_TYPES: dict[str, type[_Event]] = {
    "induction": Induction,
    "reinduction": Reinduction,
    "relapse": Relapse,
    "hsct": Hsct,
    "car_t": CarT,
    "therapy": Therapy,
}


class Organ(_Strict):
    creatinine_x_uln: XUln | None = None
    creatinine_clearance_ml_min: Annotated[float, Field(ge=0, le=500)] | None = None
    alt_x_uln: XUln | None = None
    ast_x_uln: XUln | None = None
    bilirubin_x_uln: XUln | None = None
    lvef_pct: Pct | None = None
    shortening_fraction_pct: Pct | None = None
    spo2_pct: Pct | None = None


class Current(_Strict):
    marrow_blasts_pct: Pct | None = None
    mrd: Annotated[float, Field(ge=0, le=1)] | None = None
    lansky: Annotated[int, Field(ge=0, le=100)] | None = None
    karnofsky: Annotated[int, Field(ge=0, le=100)] | None = None
    ecog: Annotated[int, Field(ge=0, le=5)] | None = None
    active_infection: bool | None = None
    active_gvhd: bool | None = None
    gvhd_grade: Annotated[int, Field(ge=0, le=4)] | None = None
    infections: list[str] | None = None
    pregnant: bool | None = None
    other_malignancy: bool | None = None
    organ: Organ | None = None
    # The treating team judges an allogeneic transplant not possible (Health Canada's Kymriah
    # label covers a relapse in a patient "otherwise ineligible for SCT").
    hsct_eligible: bool | None = None


class Profile(_Strict):
    """A validated patient profile. ``as_of`` is always set after :func:`parse_profile`."""

    id: SecretStr | None = None
    age_years: Annotated[float, Field(ge=0, le=120)] | None = None
    birth_date: dt.date | None = None
    as_of: dt.date | None = None
    sex: Literal["female", "male", "unknown"] | None = None
    residence: Residence | None = None
    diagnosis: Diagnosis | None = None
    markers: dict[str, MarkerValue] = Field(default_factory=dict)
    history: tuple[Event, ...] = ()
    current: Current | None = None

    @property
    def facts_date(self) -> dt.date:
        assert self.as_of is not None, "parse_profile always sets as_of"
        return self.as_of

    @property
    def age(self) -> float:
        """Age in years on ``as_of`` (fractional)."""
        if self.age_years is not None:
            return self.age_years
        assert self.birth_date is not None
        return (self.facts_date - self.birth_date).days / 365.25

    @property
    def completed_years(self) -> int:
        """Age in completed years, as labels count it ("up to 25 years" = 25 or younger)."""
        if self.birth_date is not None and self.age_years is None:
            born, on = self.birth_date, self.facts_date
            years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            return max(years, 0)
        return int(self.age)

    def marker(self, antigen: str) -> MarkerValue:
        """Expression of an antigen; ``unknown`` when the profile does not say."""
        return self.markers.get(normalise_antigen(antigen), "unknown")

    @property
    def disease(self) -> str | None:
        return self.diagnosis.disease if self.diagnosis else None


def normalise_antigen(name: str) -> str:
    """``cd19`` / ``CD-19`` / ``CD 19`` -> ``CD19``; other names upper-cased without spaces."""
    return name.strip().upper().replace("-", "").replace(" ", "")


def parse_profile(data: Any, *, today: dt.date) -> Profile:
    """Validate a decoded JSON/YAML document into a :class:`Profile`.

    ``today`` is the clock: it is the default for ``as_of`` and nothing else reads the time.
    Raises :class:`ProfileError` with one message naming the field at fault.
    """
    if not isinstance(data, Mapping):
        raise ProfileError(f"profile: expected a JSON/YAML object, got {_type_name(data)}")
    data = dict(data)
    history = data.pop("history", None)
    markers = data.pop("markers", None)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_describe(exc, prefix="")) from None
    events = _parse_history(history)
    marker_map = _parse_markers(markers)
    as_of = profile.as_of or today
    profile = profile.model_copy(update={"history": events, "markers": marker_map, "as_of": as_of})
    _check_consistency(profile)
    return profile


def _parse_history(history: Any) -> tuple[Event, ...]:
    if history is None:
        return ()
    if not isinstance(history, list):
        raise ProfileError(f"profile field 'history': expected a list, got {_type_name(history)}")
    events: list[Event] = []
    for index, item in enumerate(history):
        where = f"history[{index}]"
        if not isinstance(item, Mapping):
            raise ProfileError(
                f"profile field '{where}': expected an object, got {_type_name(item)}"
            )
        kind = item.get("type")
        model = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
        if model is None:
            allowed = ", ".join(EVENT_TYPES)
            shown = repr(kind) if isinstance(kind, str) else "nothing"
            raise ProfileError(
                f"profile field '{where}.type': expected one of {allowed}, got {shown}"
            )
        try:
            events.append(model.model_validate(item))  # type: ignore[arg-type]
        except ValidationError as exc:
            raise ProfileError(_describe(exc, prefix=where)) from None
    return tuple(events)


def _parse_markers(markers: Any) -> dict[str, MarkerValue]:
    if markers is None:
        return {}
    if not isinstance(markers, Mapping):
        raise ProfileError(
            f"profile field 'markers': expected an object, got {_type_name(markers)}"
        )
    allowed = ("positive", "negative", "dim", "unknown")
    result: dict[str, MarkerValue] = {}
    for name, value in markers.items():
        if not isinstance(name, str) or not name.strip():
            raise ProfileError("profile field 'markers': antigen names must be non-empty text")
        where = f"markers.{name}"
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            raise ProfileError(
                f"profile field '{where}': expected positive, negative, dim or unknown, got {shown}"
            )
        result[normalise_antigen(name)] = value.strip().lower()  # type: ignore[assignment]
    return result


def _check_consistency(profile: Profile) -> None:
    as_of = profile.facts_date
    if profile.age_years is None and profile.birth_date is None:
        raise ProfileError("profile field 'age_years': give age_years or birth_date")
    if profile.birth_date is not None:
        if profile.birth_date > as_of:
            raise ProfileError("profile field 'birth_date': is after as_of")
        if profile.age_years is not None:
            from_birth = (as_of - profile.birth_date).days / 365.25
            if abs(from_birth - profile.age_years) > 1.0:
                raise ProfileError(
                    "profile field 'age_years': disagrees with birth_date and as_of by over a year"
                )
    born = profile.birth_date
    diagnosed = profile.diagnosis.date if profile.diagnosis else None
    if diagnosed is not None:
        if diagnosed > as_of:
            raise ProfileError("profile field 'diagnosis.date': is after as_of")
        if born is not None and diagnosed < born:
            raise ProfileError("profile field 'diagnosis.date': is before birth_date")
    previous: tuple[int, dt.date] | None = None
    for index, event in enumerate(profile.history):
        if event.date is None:
            continue
        where = f"history[{index}].date"
        if event.date > as_of:
            raise ProfileError(f"profile field '{where}': is after as_of")
        if born is not None and event.date < born:
            raise ProfileError(f"profile field '{where}': is before birth_date")
        if diagnosed is not None and event.date < diagnosed and event.type != "therapy":
            raise ProfileError(f"profile field '{where}': is before diagnosis.date")
        if previous is not None and event.date < previous[1]:
            raise ProfileError(
                f"profile field '{where}': is earlier than history[{previous[0]}].date; "
                "list events in time order"
            )
        previous = (index, event.date)


def _describe(exc: ValidationError, *, prefix: str) -> str:
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    first = errors[0]
    path = _path(prefix, first["loc"])
    kind = first["type"]
    value = first.get("input")
    if kind == "extra_forbidden":
        problem = "unknown key (check the spelling; see interfaces.md section 1)"
    elif kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        shown = repr(value) if isinstance(value, str) and len(value) <= 40 else _type_name(value)
        problem = f"expected {expected.replace(chr(39), '')}, got {shown}"
    elif kind == "missing":
        problem = "is required"
    elif kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        ctx = first.get("ctx", {})
        bound = next(iter(ctx.values()), "")
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        problem = f"must be {words} {bound}"
    elif kind == "value_error" and "error" in first.get("ctx", {}):
        problem = str(first["ctx"]["error"])  # our own validators' words, no patient values
    elif kind.startswith(("date_", "datetime_")):
        problem = "expected a date as YYYY-MM-DD"
    elif kind.endswith("_type") or kind.endswith("_parsing"):
        wanted = kind.split("_")[0]
        wanted = {
            "model": "object",
            "dict": "object",
            "float": "number",
            "int": "whole number",
            "bool": "true or false",
            "string": "text",
            "list": "list",
            "tuple": "list",
        }.get(wanted, wanted)
        problem = f"expected {wanted}, got {_type_name(value)}"
    else:
        problem = first["msg"].split(",")[0].removeprefix("Value error").strip(" ,")
        problem = problem or "is not valid"
    more = len(errors) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"profile field '{path}': {problem}{suffix}"


def _path(prefix: str, loc: tuple[int | str, ...]) -> str:
    parts: list[str] = [prefix] if prefix else []
    for piece in loc:
        if isinstance(piece, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{piece}]"]
        else:
            parts.append(str(piece))
    return ".".join(parts) or "profile"


def _type_name(value: object) -> str:
    return {
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)
