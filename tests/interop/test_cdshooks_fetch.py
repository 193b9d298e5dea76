"""The CDS service reading the client's FHIR server: ``next`` pages of a prefetch, prefetch it
was not sent, the limits, and the feedback body. The FHIR server is a loopback thread."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from crossroads.common.errors import CdsPrefetchMissingError, CdsRequestError
from crossroads.interop.cdshooks import (
    Feedback,
    FetchLimits,
    bearer_reader,
    discovery,
    fhir_access,
    patient_view,
    read_feedback,
)
from crossroads.interop.fetch import FetchPolicy
from crossroads.kb import KnowledgeBase
from tests.interop.localserver import Answer, Server, serve
from tests.interop.test_cdshooks import (
    BASE,
    DLBCL_CONDITION,
    FIXTURES,
    RESPONSE,
    TODAY,
    _errors,
    _load,
)

pytestmark = pytest.mark.integration

READ = bearer_reader(FetchPolicy(allow_loopback=True, timeout=3.0))
TOKEN = "some-opaque-fhir-access-token"
HYPERTENSION = {
    "resourceType": "Condition",
    "id": "htn",
    "subject": {"reference": "Patient/1288992"},
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]},
}


def bundle(*resources: dict[str, Any], next_url: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": copy.deepcopy(r)} for r in resources],
    }
    if next_url:
        data["link"] = [{"relation": "next", "url": next_url}]
    return data


def spec_call(server: Server, prefetch: dict[str, Any] | None = None) -> dict[str, Any]:
    """The specification's example call, pointed at the local FHIR server."""
    request = _load("patient-view-request.json")
    request["fhirServer"] = server.url("/fhir")
    if prefetch is not None:
        request["prefetch"] = prefetch
    return request  # type: ignore[no-any-return]


def summaries(response: dict[str, Any]) -> list[str]:
    assert _errors(RESPONSE, response) == []
    return [card["summary"] for card in response["cards"]]


def detail_lines(response: dict[str, Any]) -> list[str]:
    return response["cards"][-1]["detail"].splitlines()  # type: ignore[no-any-return]


def test_the_next_page_of_a_prefetch_is_followed_with_the_bearer_token(kb: KnowledgeBase) -> None:
    with serve() as server:
        server.routes["/fhir/Condition?patient=1288992&page=2"] = bundle(DLBCL_CONDITION)
        first = bundle(HYPERTENSION, next_url=server.url("/fhir/Condition?patient=1288992&page=2"))
        request = spec_call(server, {"conditions": first})
        request["prefetch"].update({key: None for key in TEMPLATES if key != "conditions"})
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert server.seen == [("/fhir/Condition?patient=1288992&page=2", f"Bearer {TOKEN}")]
    assert summaries(response)[0] == "CAR-T in United States (FDA): Cannot tell yet"
    assert not any("page" in line for line in detail_lines(response))


TEMPLATES = discovery()["services"][0]["prefetch"]


def test_without_a_token_the_first_page_only_is_read_and_the_card_says_so(
    kb: KnowledgeBase,
) -> None:
    """The lymphoma may be on page 2: no diagnosis on page 1 is "cannot tell", not "no cards"."""
    request = _load("patient-view-request.json")
    del request["fhirAuthorization"]
    request["prefetch"]["conditions"] = bundle(
        HYPERTENSION, next_url="https://ehr.example/fhir/Condition?page=2"
    )
    response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert (
        "- conditions: only the first page was sent, so later pages were not read and the "
        "record may be incomplete." in detail_lines(response)
    )
    assert [c["indicator"] for c in response["cards"]] == ["warning"]


def test_a_next_page_on_another_server_is_not_followed(kb: KnowledgeBase) -> None:
    with serve() as server:
        request = spec_call(server)
        request["prefetch"]["conditions"] = bundle(
            DLBCL_CONDITION, next_url="https://elsewhere.example/fhir/Condition?page=2"
        )
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert server.seen == [(path, f"Bearer {TOKEN}") for path in server.paths]
    assert not any("page=2" in path for path in server.paths)
    assert (
        "- conditions: later pages could not be read (the next page is on another server, "
        "elsewhere.example), so the record may be incomplete." in detail_lines(response)
    )


def test_paging_stops_at_the_page_limit(kb: KnowledgeBase) -> None:
    with serve() as server:
        for n in range(2, 6):
            server.routes[f"/fhir/c?page={n}"] = bundle(
                HYPERTENSION, next_url=server.url(f"/fhir/c?page={n + 1}")
            )
        request = spec_call(server, {key: None for key in TEMPLATES})
        request["prefetch"]["conditions"] = bundle(
            DLBCL_CONDITION, next_url=server.url("/fhir/c?page=2")
        )
        response = patient_view(
            request, kb, ["US"], BASE, today=TODAY, read=READ, limits=FetchLimits(max_pages=3)
        )
    assert server.paths == ["/fhir/c?page=2", "/fhir/c?page=3"]
    assert (
        "- conditions: later pages could not be read (longer than the 3 pages or 5000 entries "
        "Crossroads reads), so the record may be incomplete." in detail_lines(response)
    )


def test_paging_stops_at_the_entry_limit(kb: KnowledgeBase) -> None:
    with serve() as server:
        server.routes["/fhir/c?page=2"] = bundle(*[HYPERTENSION] * 3)
        request = spec_call(server, {key: None for key in TEMPLATES})
        request["prefetch"]["conditions"] = bundle(
            DLBCL_CONDITION, HYPERTENSION, next_url=server.url("/fhir/c?page=2")
        )
        limits = FetchLimits(max_resources=3)
        patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ, limits=limits)
        assert server.paths == ["/fhir/c?page=2"]  # 3 entries (with the Patient): not yet full
        server.seen.clear()
        limits = FetchLimits(max_resources=2)
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ, limits=limits)
    assert server.paths == []
    assert any("longer than the 10 pages or 2 entries" in line for line in detail_lines(response))


def test_reading_stops_when_the_time_for_it_runs_out(kb: KnowledgeBase) -> None:
    with serve() as server:
        server.routes["/fhir/c?page=2"] = Answer(json=bundle(), delay=0.3)
        request = spec_call(server, {"conditions": bundle(DLBCL_CONDITION)})
        request["prefetch"]["conditions"]["link"] = [
            {"relation": "next", "url": server.url("/fhir/c?page=2")}
        ]
        limits = FetchLimits(max_seconds=0.2)
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ, limits=limits)
    assert server.paths == ["/fhir/c?page=2"]  # then out of time: nothing more is asked
    lines = detail_lines(response)
    assert (
        "- Crossroads could not fetch patient from the record system: the time Crossroads "
        "allows for reading the record ran out" in lines
    )


def test_a_failing_next_page_leaves_the_record_incomplete(kb: KnowledgeBase) -> None:
    with serve() as server:
        server.routes["/fhir/c?page=2"] = Answer(500, json={"resourceType": "OperationOutcome"})
        request = spec_call(server, {key: None for key in TEMPLATES})
        request["prefetch"]["conditions"] = bundle(
            DLBCL_CONDITION, next_url=server.url("/fhir/c?page=2")
        )
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert (
        "- conditions: later pages could not be read (127.0.0.1 answered with HTTP status 500.), "
        "so the record may be incomplete." in detail_lines(response)
    )


def test_missing_prefetch_is_fetched_from_the_fhir_server(kb: KnowledgeBase) -> None:
    with serve() as server:
        for template in TEMPLATES.values():
            query = template.replace("{{context.patientId}}", "1288992")
            server.routes[f"/fhir/{query}"] = bundle()
        server.routes["/fhir/Patient/1288992"] = {"resourceType": "Patient", "id": "1288992"}
        server.routes["/fhir/Condition?patient=1288992"] = bundle(DLBCL_CONDITION)
        request = spec_call(server)  # only patientToGreet is prefetched
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    expected = [
        "/fhir/" + t.replace("{{context.patientId}}", "1288992") for t in TEMPLATES.values()
    ]
    assert server.paths == expected
    assert {auth for _, auth in server.seen} == {f"Bearer {TOKEN}"}
    assert summaries(response)[0] == "CAR-T in United States (FDA): Cannot tell yet"
    assert not any("could not fetch" in line for line in detail_lines(response))


def test_a_query_the_server_fails_is_named_in_the_card(kb: KnowledgeBase) -> None:
    with serve() as server:
        server.routes["/fhir/Condition?patient=1288992"] = bundle(DLBCL_CONDITION)
        request = spec_call(server, {key: None for key in TEMPLATES if key != "procedures"})
        del request["prefetch"]["conditions"]
        response = patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert server.paths == ["/fhir/Condition?patient=1288992", "/fhir/Procedure?patient=1288992"]
    assert (
        "- Crossroads could not fetch procedures from the record system: 127.0.0.1 answered "
        "with HTTP status 404." in detail_lines(response)
    )


def test_conditions_that_cannot_be_fetched_are_a_412_with_the_reason(kb: KnowledgeBase) -> None:
    with serve() as server:
        request = spec_call(server)
    # the server has stopped: nothing answers on that port any more
    with pytest.raises(CdsPrefetchMissingError) as raised:
        patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert str(raised.value).startswith(
        "prefetch 'conditions' is missing, and Crossroads could not fetch it from fhirServer: "
        "could not read 127.0.0.1 ("
    )


def test_a_private_fhir_server_is_not_read(kb: KnowledgeBase) -> None:
    request = _load("patient-view-request.json")
    request["fhirServer"] = "https://10.1.2.3/fhir"
    with pytest.raises(CdsPrefetchMissingError) as raised:
        patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)
    assert str(raised.value) == (
        "prefetch 'conditions' is missing, and Crossroads could not fetch it from fhirServer: "
        "10.1.2.3 is at 10.1.2.3, a private, local or reserved address, which Crossroads does "
        "not call on a request's say-so (an operator can allow a network with "
        "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS)."
    )


def test_a_fetched_record_of_another_patient_is_refused(kb: KnowledgeBase) -> None:
    with serve() as server:
        server.routes["/fhir/Patient/1288992"] = {"resourceType": "Patient", "id": "someone"}
        request = spec_call(server, {"conditions": bundle(DLBCL_CONDITION)})
        with pytest.raises(CdsRequestError, match="prefetch holds Patient/someone"):
            patient_view(request, kb, ["US"], BASE, today=TODAY, read=READ)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r.update(fhirAuthorization="token"),
            "fhirAuthorization must be an object with access_token.",
        ),
        (
            lambda r: r["fhirAuthorization"].pop("access_token"),
            "fhirAuthorization.access_token is missing; send the bearer token.",
        ),
        (
            lambda r: r["fhirAuthorization"].update(token_type="MAC"),
            "fhirAuthorization.token_type must be 'Bearer'.",
        ),
        (
            lambda r: r.pop("fhirServer"),
            "fhirServer must be the absolute address of the FHIR server when fhirAuthorization "
            "is given.",
        ),
    ],
)
def test_a_malformed_fhir_authorization_is_a_bad_request(change: Any, message: str) -> None:
    request = _load("patient-view-request.json")
    change(request)
    with pytest.raises(CdsRequestError) as raised:
        fhir_access(request)
    assert str(raised.value) == message


def test_the_token_is_never_shown() -> None:
    access = fhir_access(_load("patient-view-request.json"))
    assert access is not None and TOKEN not in repr(access)


# -- feedback -------------------------------------------------------------------------------
def test_the_specifications_feedback_examples_are_read() -> None:
    def read(name: str) -> list[Feedback]:
        return read_feedback(json.loads((FIXTURES / name).read_text("utf-8")))

    utc = dt.UTC
    assert read("feedback-accepted.json") == [
        Feedback(
            "4e0a3a1e-3283-4575-ab82-028d55fe2719",
            "accepted",
            dt.datetime(2021, 12, 11, 10, 5, 31, tzinfo=utc),
            ("e56e1945-20b3-4393-8503-a1a20fd73152",),
        )
    ]
    assert read("feedback-overridden.json") == [
        Feedback(
            "f6b95768-b1c8-40dc-8385-bf3504b82ffb",
            "overridden",
            dt.datetime(2020, 12, 11, tzinfo=utc),
        )
    ]
    assert read("feedback-override-reason.json") == [
        Feedback(
            "9368d37b-283f-44a0-93ea-547cebab93ed",
            "overridden",
            dt.datetime(2020, 12, 11, tzinfo=utc),
            reason=("https://example.com/cds-hooks/override-reason-system", "d7ecf885"),
            comment=True,
        )
    ]


def _item(**changes: Any) -> dict[str, Any]:
    item = {"card": "c-1", "outcome": "overridden", "outcomeTimestamp": "2025-01-02T03:04:05Z"}
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the request body must be a JSON object."),
        ({}, 'feedback is missing; send {"feedback": [...]} with one item or more.'),
        ({"feedback": []}, 'feedback is missing; send {"feedback": [...]} with one item or more.'),
        ({"feedback": [_item()] * 101}, "feedback holds 101 items; send at most 100."),
        (
            {"feedback": ["x"]},
            "feedback[0] must be an object with card, outcome and outcomeTimestamp.",
        ),
        ({"feedback": [_item(card=None)]}, "feedback[0].card is missing; send it as text."),
        ({"feedback": [_item(card="x" * 129)]}, "feedback[0].card is longer than 128 characters."),
        (
            {"feedback": [_item(outcome="ignored")]},
            "feedback[0].outcome must be 'accepted' or 'overridden', not 'ignored'.",
        ),
        (
            {"feedback": [_item(outcome="accepted")]},
            "feedback[0].acceptedSuggestions is missing; an accepted outcome names the "
            "suggestions taken.",
        ),
        (
            {"feedback": [_item(outcome="accepted", acceptedSuggestions=[{}])]},
            "feedback[0].acceptedSuggestions[0].id is missing; send it as text.",
        ),
        (
            {"feedback": [_item(overrideReason="because")]},
            "feedback[0].overrideReason must be an object with reason and/or userComment.",
        ),
        (
            {"feedback": [_item(overrideReason={"reason": {"code": "x"}})]},
            "feedback[0].overrideReason.reason.system is missing; send it as text.",
        ),
        (
            {"feedback": [_item(overrideReason={"userComment": 3})]},
            "feedback[0].overrideReason.userComment must be text.",
        ),
        (
            {"feedback": [_item(outcomeTimestamp=None)]},
            "feedback[0].outcomeTimestamp is missing; send it as text.",
        ),
        *[
            (
                {"feedback": [_item(), _item(outcomeTimestamp=value)]},
                "feedback[1].outcomeTimestamp must be a date and time with its zone, e.g. "
                "2021-12-11T10:05:31Z.",
            )
            for value in ("2025-01-02", "2025-01-02T03:04:05", "yesterday")
        ],
    ],
)
def test_malformed_feedback_is_refused_naming_the_field(body: Any, message: str) -> None:
    with pytest.raises(CdsRequestError) as raised:
        read_feedback(body)
    assert str(raised.value) == message


def test_feedback_times_are_kept_in_utc() -> None:
    (item,) = read_feedback({"feedback": [_item(outcomeTimestamp="2025-01-02T08:04:05+05:00")]})
    assert item.at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_hundred_feedback_items_are_accepted() -> None:
    assert len(read_feedback({"feedback": [_item()] * 100})) == 100
