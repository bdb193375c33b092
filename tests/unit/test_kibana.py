"""Kibana saved objects and `rsearch kibana setup`.

The objects are checked for shape and against mappings/chunks.json (every field
a panel, column, control or format uses exists; aggregated fields are
aggregatable). The importer's requests go to a real HTTP server started here,
which records what it receives and answers as Kibana does. With
RSEARCH_KIBANA_URL set, the objects are also imported into that real Kibana.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import urllib.request
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from rsearch.search import facets
from rsearch.cli import cli
from rsearch.kibana import importer, objects
from paths import REPO

NDJSON = REPO / "kibana" / "rsearch.ndjson"
# The schema other parts of rsearch and these objects agree on (issue 11/13 contract).
CONTRACT = {
    "title": "text", "title.keyword": "keyword", "section": "text", "section.keyword": "keyword",
    "kind": "keyword", "people": "keyword", "reporters": "keyword", "correspondents": "keyword",
    "photographers": "keyword", "publication": "keyword", "region": "keyword", "places": "keyword",
    "date": "date", "date_source": "keyword", "dates": "date", "report_id": "keyword",
    "source_path": "keyword", "text": "text",
}
AGGREGATABLE = {"keyword", "date", "long", "integer", "short", "byte", "double", "float", "half_float",
                "scaled_float", "boolean", "ip"}
JSON_STRING_ATTRIBUTES = ("fieldAttrs", "fieldFormatMap", "sourceFilters", "panelsJSON", "optionsJSON")


# -- the field list, read from the mapping (not from the code under test) ---------
def unsearchable_fields() -> set[str]:
    """Fields the mapping keeps for display only ("index": false)."""
    mapping = json.loads((REPO / "mappings" / "chunks.json").read_text(encoding="utf-8"))
    return {name for name, spec in mapping["mappings"]["properties"].items() if spec.get("index") is False}


def mapping_fields() -> dict[str, str]:
    mapping = json.loads((REPO / "mappings" / "chunks.json").read_text(encoding="utf-8"))
    out = {}
    for name, spec in mapping["mappings"]["properties"].items():
        out[name] = spec.get("type", "object")
        for sub, sub_spec in (spec.get("fields") or {}).items():
            out[f"{name}.{sub}"] = sub_spec["type"]
    return out


def parse_ndjson(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def by_type(objs: list[dict], type_: str) -> list[dict]:
    return [o for o in objs if o["type"] == type_]


def kql_fields(kql: str) -> list[str]:
    return re.findall(r"([A-Za-z_][\w.]*)\s*:", kql)


def used_fields(objs: list[dict]) -> list[tuple[str, str, bool]]:
    """(field, where, aggregated) for every field any object names."""
    used: list[tuple[str, str, bool]] = []
    for dv in by_type(objs, "index-pattern"):
        a = dv["attributes"]
        used.append((a["timeFieldName"], "data view time field", True))
        used += [(f, "data view label", False) for f in json.loads(a["fieldAttrs"])]
        used += [(f, "data view format", False) for f in json.loads(a["fieldFormatMap"])]
    for s in by_type(objs, "search"):
        a = s["attributes"]
        title = a["title"]
        used += [(c, f"search {title} column", False) for c in a["columns"]]
        used += [(f, f"search {title} sort", True) for f, _ in a["sort"]]
        query = json.loads(a["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"]
        used += [(f, f"search {title} query", False) for f in kql_fields(query)]
    for d in by_type(objs, "dashboard"):
        for panel in json.loads(d["attributes"]["panelsJSON"]):
            if panel["type"] != "lens":
                continue
            state = panel["embeddableConfig"]["attributes"]["state"]
            for layer in state["datasourceStates"]["formBased"]["layers"].values():
                for col in layer["columns"].values():
                    if col["sourceField"] != "___records___":
                        used.append((col["sourceField"], f"panel {panel['title']} ({col['operationType']})", True))
        controls = json.loads(d["attributes"]["controlGroupInput"]["panelsJSON"])
        used += [(c["explicitInput"]["fieldName"], f"control {c['explicitInput']['title']}", True)
                 for c in controls.values()]
    return used


def field_problems(objs: list[dict]) -> list[str]:
    fields = mapping_fields()
    problems = []
    for field, where, aggregated in used_fields(objs):
        if field not in fields:
            problems.append(f"{where}: '{field}' is not in mappings/chunks.json")
        elif aggregated and fields[field] not in AGGREGATABLE:
            problems.append(f"{where}: '{field}' is {fields[field]}, not aggregatable")
        elif where.endswith(" query") and field in unsearchable_fields():
            problems.append(f"{where}: '{field}' is not indexed, a query on it fails")
    return problems


@pytest.fixture(scope="module")
def committed() -> list[dict]:
    return parse_ndjson(NDJSON.read_text(encoding="utf-8"))


# -- the objects ----------------------------------------------------------------
def test_contract_fields_are_in_the_mapping():
    fields = mapping_fields()
    wrong = {f: fields.get(f) for f, t in CONTRACT.items() if fields.get(f) != t}
    assert not wrong, f"fields missing or of another type in mappings/chunks.json: {wrong}"


def test_committed_file_is_the_generated_one():
    generated = objects.to_ndjson(objects.build_objects())
    assert NDJSON.read_text(encoding="utf-8") == generated, (
        "kibana/rsearch.ndjson is stale: run `rsearch kibana export -o kibana/rsearch.ndjson` "
        "(without RSEARCH_INDEX / RSEARCH_KIBANA_LINK_URL set)")


def test_objects_parse_and_nested_json_parses(committed):
    assert [o["type"] for o in committed] == ["index-pattern", "search", "search", "dashboard"]
    assert len({(o["type"], o["id"]) for o in committed}) == len(committed)
    for obj in committed:
        assert set(obj) >= {"type", "id", "attributes", "references", "coreMigrationVersion"}
        attrs = obj["attributes"]
        for key in JSON_STRING_ATTRIBUTES:
            if key in attrs:
                json.loads(attrs[key])
        if "kibanaSavedObjectMeta" in attrs:
            json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])
        if "controlGroupInput" in attrs:
            for key in ("panelsJSON", "ignoreParentSettingsJSON"):
                json.loads(attrs["controlGroupInput"][key])


def test_every_reference_resolves_and_every_pointer_has_its_reference(committed):
    present = {(o["type"], o["id"]) for o in committed}
    for obj in committed:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in present, f"{obj['id']}: dangling {ref}"
    for s in by_type(committed, "search"):
        source = json.loads(s["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
        assert source["indexRefName"] in {r["name"] for r in s["references"]}
    dash = by_type(committed, "dashboard")[0]
    names = {r["name"]: r for r in dash["references"]}
    needed = set()
    for panel in json.loads(dash["attributes"]["panelsJSON"]):
        index = panel["panelIndex"]
        assert panel["gridData"]["i"] == index
        if panel["type"] == "lens":
            attrs = panel["embeddableConfig"]["attributes"]
            inner = {r["name"] for r in attrs["references"]}
            for layer in attrs["state"]["datasourceStates"]["formBased"]["layers"]:
                assert f"indexpattern-datasource-layer-{layer}" in inner
            needed |= {f"{index}:{name}" for name in inner}
        elif "panelRefName" in panel:
            needed.add(f"{index}:{panel['panelRefName']}")
    for cid in json.loads(dash["attributes"]["controlGroupInput"]["panelsJSON"]):
        needed.add(f"controlGroup_{cid}:optionsListDataView")
    assert needed == set(names), f"missing {needed - set(names)}, unused {set(names) - needed}"


def test_every_field_used_exists_and_aggregated_fields_are_aggregatable(committed):
    assert used_fields(committed), "the field walk found nothing: it is not looking where the fields are"
    assert field_problems(committed) == []


def on_field(facet, field: str):
    """The same facet on another index field."""
    return type(facet)(facet.name, field, facet.label, facet.page_label, facet.description,
                       counted=facet.counted, default=facet.default)


def test_the_field_check_catches_a_missing_and_a_text_field(committed, monkeypatch):
    # A facet renamed to a field the mapping lacks, and one aggregated on a text field.
    monkeypatch.setitem(facets.REGISTRY, "region", on_field(facets.REGISTRY["region"], "region_renamed"))
    monkeypatch.setitem(facets.REGISTRY, "people", on_field(facets.REGISTRY["people"], "text"))
    problems = field_problems(objects.build_objects())
    assert any("'region_renamed' is not in mappings/chunks.json" in p for p in problems)
    assert any("'text' is text, not aggregatable" in p for p in problems)


def test_the_field_check_catches_a_query_on_a_display_only_field(monkeypatch):
    # title, section and text are kept for display, not indexed: a saved KQL naming one fails in Kibana.
    monkeypatch.setattr(objects, "EXAMPLE_KQL", 'text:"党史"')
    assert "search Reports: 党史学习教育 query: 'text' is not indexed, a query on it fails" in \
        field_problems(objects.build_objects())
    monkeypatch.setattr(objects, "EXAMPLE_KQL", 'text_chars:"党史"')
    assert field_problems(objects.build_objects()) == []


def test_panels_columns_and_controls_follow_the_facet_registry(monkeypatch):
    monkeypatch.setitem(facets.REGISTRY, "region", on_field(facets.REGISTRY["region"], "places"))
    objs = objects.build_objects()
    fields = [f for f, _, _ in used_fields(objs)]
    assert "places" in fields
    reports = by_type(objs, "search")[0]["attributes"]
    assert "places" in reports["columns"]
    dash = by_type(objs, "dashboard")[0]["attributes"]
    controls = {c["explicitInput"]["fieldName"]
                for c in json.loads(dash["controlGroupInput"]["panelsJSON"]).values()}
    assert controls == {f.field for f in facets.counted() if f.kind == "terms"}
    region_panel = next(p for p in json.loads(dash["panelsJSON"]) if p["title"] == "Reports by region")
    cols = region_panel["embeddableConfig"]["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
    assert {c["sourceField"] for layer in cols.values() for c in layer["columns"].values()} >= {"places"}


def test_dashboard_has_the_panels_the_issue_asks_for(committed):
    dash = by_type(committed, "dashboard")[0]["attributes"]
    panels = json.loads(dash["panelsJSON"])
    titles = {p["title"] for p in panels}
    assert {"Chunks and reports over time", "Reports by region", "Reports by people", "Chunks by kind",
            "Top sections", "Reports table", "Report chunks"} <= titles
    over_time = next(p for p in panels if p["title"] == "Chunks and reports over time")
    layer = next(iter(over_time["embeddableConfig"]["attributes"]["state"]["datasourceStates"]
                      ["formBased"]["layers"].values()))
    ops = {c["operationType"]: c.get("sourceField") for c in layer["columns"].values()}
    assert ops["date_histogram"] == by_type(committed, "index-pattern")[0]["attributes"]["timeFieldName"]
    assert ops["unique_count"] == "report_id" and "count" in ops
    # Every panel sits inside Kibana's 48-column grid, none overlapping.
    cells = set()
    for p in panels:
        g = p["gridData"]
        assert 0 <= g["x"] and g["x"] + g["w"] <= 48
        mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & mine, f"{p['title']} overlaps another panel"
        cells |= mine


def test_saved_search_links_to_the_rsearch_page_for_the_same_query():
    objs = objects.build_objects(link_url="https://search.example.org/rs/")
    example = next(o for o in by_type(objs, "search") if o["id"] == objects.EXAMPLE_SEARCH_ID)
    query = json.loads(example["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"]
    # Quoted, no field: Kibana searches the index's default fields (the *_chars copies).
    words = re.fullmatch(r'"(.+)"', query).group(1)
    assert f"https://search.example.org/rs/?q={words}" in example["attributes"]["description"]
    formats = json.loads(by_type(objs, "index-pattern")[0]["attributes"]["fieldFormatMap"])
    assert formats["title"]["params"]["urlTemplate"].startswith("https://search.example.org/rs/?q=")
    assert objects.rsearch_link("http://h:1", 'a b"c 党史') == "http://h:1/?q=a%20b%22c%20党史"


def test_data_view_is_on_the_configured_alias():
    dv = by_type(objects.build_objects(index="other-alias"), "index-pattern")[0]
    assert dv["attributes"]["title"] == "other-alias"


# -- a Kibana stand-in: a real HTTP server that records requests ---------------------
class FakeKibana:
    """Answers /api/status and /api/saved_objects/_import like Kibana 8.x, per scenario."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status_answers: list[tuple[int, dict]] = []  # consumed first, then `status`
        self.status = (200, {"version": {"number": "8.19.9"}, "status": {"overall": {"level": "available"}}})
        self.import_answer: tuple[int, dict] | None = None  # None: success for what was sent
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, code: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                # Header names are case-insensitive: keep them lower-case.
                req = {"method": self.command, "path": self.path,
                       "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": self.rfile.read(length) if length else b""}
                outer.requests.append(req)
                return req

            def do_GET(self):
                self._record()
                if self.path.endswith("/api/status"):
                    code, payload = outer.status_answers.pop(0) if outer.status_answers else outer.status
                    return self._answer(code, payload)
                self._answer(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})

            def do_POST(self):
                req = self._record()
                if "/api/saved_objects/_import" not in self.path:
                    return self._answer(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})
                if req["headers"].get("kbn-xsrf") is None:
                    return self._answer(400, {"statusCode": 400, "error": "Bad Request",
                                              "message": "Request must contain a kbn-xsrf header."})
                if outer.import_answer:
                    return self._answer(*outer.import_answer)
                sent = parse_ndjson(multipart_file(req)[2].decode("utf-8"))
                self._answer(200, {"success": True, "successCount": len(sent), "successResults": [
                    {"type": o["type"], "id": o["id"], "meta": {"title": o["attributes"].get("title")}}
                    for o in sent]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def multipart_file(req: dict) -> tuple[str, str, bytes]:
    """(field name, file name, content) of the single part of a multipart request."""
    head = f"Content-Type: {req['headers']['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=policy.default).parsebytes(head + req["body"])
    assert message.is_multipart()
    parts = list(message.iter_parts())
    assert len(parts) == 1
    part = parts[0]
    return part.get_param("name", header="content-disposition"), part.get_filename(), part.get_payload(decode=True)


@pytest.fixture
def kibana():
    with FakeKibana() as fake:
        yield fake


def setup(args: list[str], env: dict | None = None):
    base_env = {k: None for k in os.environ if k.startswith("RSEARCH_KIBANA_")}
    return CliRunner().invoke(cli, ["kibana", "setup", *args], env={**base_env, **(env or {})})


def test_setup_posts_the_objects_as_a_multipart_file(kibana):
    result = setup(["--kibana-url", kibana.url, "--kibana-user", "elastic", "--kibana-password", "pw"])
    assert result.exit_code == 0, result.output
    assert "imported 4 objects" in result.output and "8.19.9" in result.output
    status, post = kibana.requests
    assert (status["method"], status["path"]) == ("GET", "/api/status")
    assert (post["method"], post["path"]) == ("POST", "/api/saved_objects/_import?overwrite=true")
    for req in kibana.requests:
        assert req["headers"]["kbn-xsrf"]
        assert req["headers"]["authorization"] == "Basic ZWxhc3RpYzpwdw=="  # elastic:pw
    assert post["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    name, filename, content = multipart_file(post)
    assert (name, filename) == ("file", "rsearch.ndjson")
    assert content.decode("utf-8") == objects.to_ndjson(objects.build_objects())


def test_setup_uses_the_space_prefix_api_key_and_environment(kibana):
    result = setup([], env={"RSEARCH_KIBANA_URL": kibana.url + "/", "RSEARCH_KIBANA_SPACE": "team-a",
                            "RSEARCH_KIBANA_API_KEY": "a2V5aWQ6c2VjcmV0"})
    assert result.exit_code == 0, result.output
    assert [r["path"] for r in kibana.requests] == [
        "/s/team-a/api/status", "/s/team-a/api/saved_objects/_import?overwrite=true"]
    assert all(r["headers"]["authorization"] == "ApiKey a2V5aWQ6c2VjcmV0" for r in kibana.requests)


def test_default_space_needs_no_prefix(kibana):
    assert setup(["--kibana-url", kibana.url, "--space", "default"]).exit_code == 0
    assert [r["path"] for r in kibana.requests] == ["/api/status", "/api/saved_objects/_import?overwrite=true"]


def test_setup_twice_sends_the_same_objects(kibana):
    assert setup(["--kibana-url", kibana.url]).exit_code == 0
    assert setup(["--kibana-url", kibana.url]).exit_code == 0
    first, second = (multipart_file(r)[2] for r in kibana.requests if r["method"] == "POST")
    assert first == second  # same ids, overwrite=true: re-running replaces, never duplicates


def test_setup_json_lists_what_was_imported(kibana):
    result = setup(["--kibana-url", kibana.url, "--json"])
    data = json.loads(result.output)
    assert data["success_count"] == 4
    assert {o["id"] for o in data["objects"]} == {o["id"] for o in objects.build_objects()}


def one_error_line(result) -> str:
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("code, expected", [
    (401, "Kibana rejected the credentials"),
    (403, "the user needs privileges"),
])
def test_rejected_credentials_are_one_line(kibana, code, expected):
    kibana.status = (code, {"statusCode": code, "error": "Unauthorized", "message": "unable to authenticate"})
    line = one_error_line(setup(["--kibana-url", kibana.url, "--kibana-api-key", "bad"]))
    assert expected in line and "unable to authenticate" in line
    assert not [r for r in kibana.requests if r["method"] == "POST"]


def test_import_refused_objects_are_one_line(kibana):
    kibana.import_answer = (200, {"success": False, "successCount": 1, "errors": [
        {"type": "dashboard", "id": "rsearch-dashboard", "title": "rsearch reports",
         "error": {"type": "unsupported_type"}},
        {"type": "search", "id": "rsearch-search-reports", "error": {"type": "unknown",
                                                                       "message": "bad attribute"}}]})
    line = one_error_line(setup(["--kibana-url", kibana.url]))
    assert "refused 2 of 4 objects" in line and "unsupported_type" in line and "bad attribute" in line
    assert "Kibana 8.19.9" in line


def test_import_http_error_carries_kibanas_message(kibana):
    kibana.import_answer = (400, {"statusCode": 400, "error": "Bad Request",
                                  "message": "Unsupported file extension .txt"})
    line = one_error_line(setup(["--kibana-url", kibana.url]))
    assert "Kibana answered 400 to the import: Unsupported file extension .txt" in line


def test_unknown_space_is_named(kibana):
    kibana.status = (404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})
    line = one_error_line(setup(["--kibana-url", kibana.url, "--space", "nope"]))
    assert "space 'nope'" in line


def test_too_old_kibana_is_refused_before_importing(kibana):
    kibana.status = (200, {"version": {"number": "7.17.9"}, "status": {"overall": {"level": "available"}}})
    line = one_error_line(setup(["--kibana-url", kibana.url]))
    assert "Kibana 7.17.9 cannot import these objects" in line
    assert not [r for r in kibana.requests if r["method"] == "POST"]


def test_unreachable_kibana_is_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    line = one_error_line(setup(["--kibana-url", f"http://127.0.0.1:{port}"]))
    assert f"cannot reach Kibana at http://127.0.0.1:{port}" in line


def test_wait_rides_out_a_starting_kibana(kibana, monkeypatch):
    monkeypatch.setattr(importer, "STATUS_POLL_SECONDS", 0.05)
    starting = {"statusCode": 503, "error": "Service Unavailable", "message": "Kibana server is not ready yet"}
    kibana.status_answers = [(503, starting), (200, {"version": {"number": "8.19.9"},
                                                     "status": {"overall": {"level": "degraded"}}})]
    result = setup(["--kibana-url", kibana.url, "--wait", "30"])
    assert result.exit_code == 0, result.output
    assert [r["method"] for r in kibana.requests] == ["GET", "GET", "GET", "POST"]


def test_without_wait_a_starting_kibana_is_an_error(kibana):
    kibana.status = (503, {"statusCode": 503, "error": "Service Unavailable",
                           "message": "Kibana server is not ready yet"})
    line = one_error_line(setup(["--kibana-url", kibana.url]))
    assert "503" in line and "not ready" in line


def test_export_writes_the_committed_file(tmp_path):
    out = tmp_path / "objects.ndjson"
    env = {"RSEARCH_INDEX": None, "RSEARCH_KIBANA_LINK_URL": None}
    result = CliRunner().invoke(cli, ["kibana", "export", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == NDJSON.read_text(encoding="utf-8")


# -- a real Kibana, when one is given -------------------------------------------------
@pytest.mark.skipif(not os.environ.get("RSEARCH_KIBANA_URL"),
                    reason="set RSEARCH_KIBANA_URL (and RSEARCH_KIBANA_* credentials) to import into a real "
                           "Kibana; none can run on this machine")
def test_import_into_a_real_kibana():
    result = CliRunner().invoke(cli, ["kibana", "setup", "--json", "--wait", "120"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["success_count"] == 4
    target = importer.KibanaTarget(os.environ["RSEARCH_KIBANA_URL"], space=os.environ.get("RSEARCH_KIBANA_SPACE"),
                                   username=os.environ.get("RSEARCH_KIBANA_USER"),
                                   password=os.environ.get("RSEARCH_KIBANA_PASSWORD"),
                                   api_key=os.environ.get("RSEARCH_KIBANA_API_KEY"))
    req = urllib.request.Request(target.endpoint(f"/api/saved_objects/dashboard/{objects.DASHBOARD_ID}"),
                                 headers=target.headers())
    with urllib.request.urlopen(req, timeout=30) as resp:
        dash = json.loads(resp.read())
    assert dash["attributes"]["title"] == "rsearch reports"
    assert not dash.get("error")
