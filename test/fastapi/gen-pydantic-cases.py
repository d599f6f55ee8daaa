#!/usr/bin/env python3
"""Writes test/fastapi/pydantic-cases.json: expected values for
test/fastapi/urllib.test.ts, lax-int.test.ts and query-validator.test.ts,
taken from CPython, pydantic and FastAPI themselves, never from the TypeScript code under test.

Run with the reference venv (FastAPI 0.142.2, pydantic 2.13.x, CPython 3.11):

    /tmp/pyref/bin/python test/fastapi/gen-pydantic-cases.py

(if missing: python3 -m venv /tmp/pyref &&
 /tmp/pyref/bin/pip install --retries 0 fastapi==0.142.2 uvicorn==0.54.0)

Output is deterministic (fixed random seed), so re-running it on the same
versions gives the same file.
"""
from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path
from typing import Annotated, Literal, Optional
from urllib.parse import parse_qsl, unquote_plus

import fastapi
import pydantic
import pydantic_core
import starlette
from fastapi import APIRouter, FastAPI, Query, Security
from fastapi.encoders import jsonable_encoder
from fastapi.security import APIKeyHeader
from pydantic import Field, TypeAdapter, ValidationError

OUT = Path(__file__).with_name("pydantic-cases.json")
rng = random.Random(20240611)

# ---------------------------------------------------------------------------
# The adapters FastAPI builds for the query params (fastapi/_compat/v2.py:
# TypeAdapter over Annotated[annotation, Field(...)]).
# ---------------------------------------------------------------------------
TA_INT = TypeAdapter(int)
TA_OFFSET = TypeAdapter(Annotated[int, Field(ge=0)])
TA_LIMIT = TypeAdapter(Annotated[Optional[int], Field(ge=1)])


def run_int(ta: TypeAdapter, s: str) -> dict:
    try:
        v = ta.validate_python(s)
    except ValidationError as e:
        errs = e.errors(include_url=False)
        assert len(errs) == 1, errs
        err = errs[0]
        out = {"error": err["type"]}
        if "ctx" in err:
            out["ctx"] = err["ctx"]
        return out
    assert isinstance(v, int)
    return {"value": str(v)}


# ---------------------------------------------------------------------------
# §5 int inputs
# ---------------------------------------------------------------------------
DOC_ACCEPTED = ["1.0", "1.00", " 1 ", " 3", "+3", "1_000", "007", "00", "-0", "1_0.0", "0_1",
                "\u20031", "\u00a01", "\t1"]
DOC_REJECTED = ["abc", "1.5", "1.", ".0", "0x10", "0b1", "1e3", "1e0", "+-1", "1__0", "_1", "0_",
                "1.0_0", "\u2460", "\uff11", "Infinity", "NaN", "-", "+", "", "null", "\ufeff1",
                "\u200b1", " " + "1" * 4301]
EXTRA = [
    "-1.0", "0", "1", "-1", "5", "-5", "10", "42", "9007199254740993", "18446744073709551616",
    "-9223372036854775808", "9223372036854775807", "9223372036854775808",
    # strip_leading_zeros quirks
    "0-5", "00-5", "0_-5", "-0-5", "0__0", "0__1", "0_1", "00_", "0_.0", "0.", "00.0", "00.00",
    "1.0.0", "-00", "-0_0", "-_0", "+0", "+_1", "+00.000", "0_0.0_0", "-01", "-0.0", "+-0",
    "-+1", "--1", "++1", "- 1", " -1", " +1 ", "1 0", "1_000_000", "1_000.000", "1_000.", "-1_0",
    "+1_0", "0x", "1-", "1+", "1.0e0", "01.0", "0_0", "_", "__", "0__", "1__", "-", "+-", "-0.",
    "\u00851", "1\u0085", "\u1680 1", "\u30001\u3000", "\u180e1", "\u2028-7\u2029", "\u000b1\u000c",
    "\u001c1", "\u001f1", "\u00ad1", "1\u200b", "\u0661", "1\u0301", "\u00b9", "\ud7ff", "\U0001d7cf",
    "1\n", "\n", "\r\n12\r\n", " ", "\t", "0" * 30, "0" * 30 + "1", "-" + "0" * 30 + "7",
    "1" + "0" * 40, "1_" * 20 + "1", "9" * 19, "-" + "9" * 19,
]


def size_cases() -> list[str]:
    d4300 = "1" + "0" * 4299
    d4299 = d4300[:-1]
    d4301 = d4300 + "0"
    return [
        d4299, d4300, d4301, "-" + d4299, "-" + d4300, "-" + d4301,
        d4300 + ".", d4300 + ".0", d4301 + ".0", d4300 + "x", d4301 + "x", d4300 + " ", d4301 + " ",
        " " + d4300, " " + d4301, "0" + d4299, "0" + d4300, "0" + d4301, "+" + d4300, "+" + d4301,
        d4300 + "_0", d4299 + "_0", d4299[:-1] + "_0", d4300[:-1] + ".00", d4301 + "e1",
        "00" + d4299, "-0" + d4300, "\u00a0" + d4301, "9" * 4300, "9" * 4301, "-" + "9" * 4299,
    ]


WS = [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x85", "\xa0", "\u1680", "\u2000", "\u2003", "\u200a",
      "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "\u200b", "\u180e", "\x1c", "\x1f"]


def random_int_input() -> str:
    kind = rng.random()
    if kind < 0.12:  # big plain or signed numbers
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(15, 60)))
        return rng.choice(["", "-", "+", " ", "00"]) + digits
    if kind < 0.2:  # grouped numbers, sometimes badly
        groups = [str(rng.randint(0, 999)).zfill(rng.choice([1, 3])) for _ in range(rng.randint(1, 5))]
        sep = rng.choice(["_", "_", "__", ""])
        s = sep.join(groups)
        return rng.choice(["", "-", "+", "_", "0"]) + s + rng.choice(["", "", ".0", ".00", "_", ".", ".5"])
    alphabet = (list("0123456789") + ["0"] * 6 + ["_"] * 3 + ["."] * 2 + ["-", "+", "e", "x", "a"]
                + WS + ["\u2460", "\uff11", "\u0663"])
    n = rng.randint(0, 8)
    s = "".join(rng.choice(alphabet) for _ in range(n))
    if rng.random() < 0.3:
        s = rng.choice(WS) + s + rng.choice(WS)
    return s


def int_cases() -> list[dict]:
    inputs: list[str] = []
    seen: set[str] = set()
    for s in DOC_ACCEPTED + DOC_REJECTED + EXTRA + size_cases():
        if s not in seen:
            seen.add(s)
            inputs.append(s)
    while len(inputs) < 700:
        s = random_int_input()
        if s not in seen:
            seen.add(s)
            inputs.append(s)
    def constrained(ta: TypeAdapter, s: str) -> dict:
        # an accepted value is the same as under plain int; keep the file small
        r = run_int(ta, s)
        return {"ok": True} if "value" in r else r

    return [{"input": s, "int": run_int(TA_INT, s), "offset": constrained(TA_OFFSET, s),
             "limit": constrained(TA_LIMIT, s)} for s in inputs]


def code_point_scan() -> dict:
    """Every code point as a prefix and as a suffix of "1" through
    TypeAdapter(int): the exact set of characters pydantic trims (§5)."""
    prefix: list[list] = []
    suffix: list[list] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue  # not representable in a str that came from UTF-8
        c = chr(cp)
        for s, acc in ((c + "1", prefix), ("1" + c, suffix)):
            try:
                acc.append([cp, str(TA_INT.validate_python(s))])
            except ValidationError:
                pass
    return {"prefixAccepted": prefix, "suffixAccepted": suffix}


# ---------------------------------------------------------------------------
# §4 query-string parsing
# ---------------------------------------------------------------------------
def random_bytes_escape() -> str:
    """A %XX sequence biased towards UTF-8 lead and continuation bytes."""
    out = []
    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        if r < 0.35:
            b = rng.randint(0x80, 0xBF)
        elif r < 0.55:
            b = rng.choice([0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF])
        elif r < 0.75:
            b = rng.randint(0xC0, 0xFF)
        else:
            b = rng.randint(0, 0x7F)
        out.append("%" + (format(b, "02X") if rng.random() < 0.7 else format(b, "02x")))
    return "".join(out)


def random_valid_utf8_escape() -> str:
    cp = rng.choice([rng.randint(0x80, 0x7FF), rng.randint(0x800, 0xFFFF), rng.randint(0x10000, 0x10FFFF)])
    if 0xD800 <= cp <= 0xDFFF:
        cp = 0xE9
    return "".join("%" + format(b, "02X") for b in chr(cp).encode("utf-8"))


def random_component() -> str:
    pieces = ["a", "b", "offset", "limit", "1", "0", "x", "+", "%", "%4", "%ZZ", "%2B", "%20", "%3D",
              "%26", "%25", "%6F", "~", "-", ".", "\u00e9", "\u00ff", "\u0080", "%%41"]
    n = rng.randint(0, 5)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.2:
            out.append(random_bytes_escape())
        elif r < 0.3:
            out.append(random_valid_utf8_escape())
        else:
            out.append(rng.choice(pieces))
    return "".join(out)


def random_query() -> str:
    segs = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        name = rng.choice(["offset", "limit", "a", "sort_order", random_component()])
        if r < 0.1:
            segs.append("")
        elif r < 0.2:
            segs.append(name)
        elif r < 0.3:
            segs.append(name + "=" + random_component() + "=" + random_component())
        elif r < 0.4:
            segs.append(name + "=" + random_component() + ";" + random_component() + "=1")
        else:
            segs.append(name + "=" + random_component())
    return "&".join(segs)


def qsl_case(raw: str) -> dict:
    pairs = parse_qsl(raw, keep_blank_values=True)
    folded = {k: v for k, v in pairs}  # starlette/datastructures.py: last value wins
    return {"raw": raw, "pairs": [list(p) for p in pairs], "dict": [list(p) for p in folded.items()]}


QSL_FIXED = [
    "", "&", "&&", "=", "==", "a", "a=", "=a", "a=1", "a=1&a=2", "a=1&b=2&a=3", "a&b", "a&&b", "&a=1&",
    "offset=1;limit=0", "a=1;b=2", ";", "a=b=c", "a==", "%6Fffset=abc", "Offset=abc", "+", "a+b=c+d",
    "a=%2B3", "a=+3", "a=%20", "a=%FF", "a=%ff", "a=%ZZ", "a=%4", "a=%", "a=%%", "a=%%41", "a=%4%41",
    "a=%E2%82%AC", "a=%E2%82", "a=%E2%82x", "a=%E2%28%A1", "a=%F0%9F%98%80", "a=%F0%9F%98", "a=%C0%AF",
    "a=%ED%A0%80", "a=%ED%9F%BF", "a=%F4%8F%BF%BF", "a=%F4%90%80%80", "a=%80", "a=%BF%80", "a=%FE%FF",
    "a=%EF%BB%BF1", "%EF%BB%BF=1", "a=%00", "a=%0A", "a=%7F", "a=%E2\u0082%AC", "a=%C3\u00a9%A9",
    "a=\u00e9", "a=\u00c3\u00a9", "\u00e9=%C3%A9", "a=%C3", "a=%C3%", "a=%C3%2", "a=%C3%A", "a=%C3+%A9",
    "__proto__=1", "constructor=x", "toString=y&hasOwnProperty=z", "a=1&__proto__=2&__proto__=3",
    "a=%26b%3D1", "a%3Db=1", "%26=1", "a%00b=1", "offset=%31", "offset=%2D1", "offset=%E2%80%831",
]


def unquote_single_bytes() -> list[list[str]]:
    return [[f"%{b:02X}", unquote_plus(f"%{b:02X}")] for b in range(256)]


def unquote_random() -> list[list[str]]:
    out = []
    seen = set()
    while len(out) < 1500:
        s = "".join(random_bytes_escape() if rng.random() < 0.6 else rng.choice(
            ["a", "%", "%4", "%ZZ", "+", "\u00e9", "\u00ff", random_valid_utf8_escape()])
            for _ in range(rng.randint(1, 4)))
        if s not in seen:
            seen.add(s)
            out.append([s, unquote_plus(s)])
    return out


# ---------------------------------------------------------------------------
# §3-§6 the full pipeline: the real FastAPI app, driven in-process over ASGI
# ---------------------------------------------------------------------------
STATUSES = ("RUNNING", "COMPLETED", "FAILED", "CANCELED", "TERMINATED")


def make_app(strict: bool) -> FastAPI:
    router = APIRouter(prefix="/v2")
    key = APIKeyHeader(name="Meibel-API-Key")

    def enc(v):
        return str(v) if isinstance(v, int) else v

    if not strict:
        @router.get("/agents/{agent_id}/sessions")
        def list_sessions(agent_id: str,
                          offset: int = Query(0, ge=0),
                          limit: Optional[int] = Query(None, ge=1),
                          sort_by: str = Query("start_time"),
                          sort_order: str = Query("desc", pattern="^(asc|desc)$"),
                          status: Optional[str] = Query(None),
                          api_key: str = Security(key)):
            # ints as strings: JSON numbers past 2^53 would not survive JSON.parse
            return {"offset": enc(offset), "limit": enc(limit), "sort_by": sort_by,
                    "sort_order": sort_order, "status": status}
    else:
        @router.get("/agents/{agent_id}/sessions")
        def list_sessions_strict(agent_id: str,
                                 offset: int = Query(0, ge=0),
                                 limit: Optional[int] = Query(None, ge=1),
                                 sort_by: Literal["start_time", "status"] = Query("start_time"),
                                 sort_order: str = Query("desc", pattern="^(asc|desc)$"),
                                 status: Optional[Literal[STATUSES]] = Query(None),  # type: ignore[valid-type]
                                 api_key: str = Security(key)):
            return {"offset": enc(offset), "limit": enc(limit), "sort_by": sort_by,
                    "sort_order": sort_order, "status": status}
    app = FastAPI()
    app.include_router(router)
    return app


async def asgi_get(app: FastAPI, raw_query: str) -> tuple[int, str]:
    path = "/v2/agents/a1/sessions"
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        # what uvicorn hands over: the raw bytes; Node gives them as latin-1 chars
        "query_string": raw_query.encode("latin-1"),
        "headers": [(b"host", b"test"), (b"meibel-api-key", b"k")],
        "server": ("test", 80), "client": ("127.0.0.1", 1),
    }
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    status = messages[0]["status"]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return status, body.decode("utf-8")


# The same pipeline written out with TypeAdapters, as fastapi/_compat/v2.py
# does it: a cross-check that the app above is what the fidelity doc describes.
def emulate(raw_query: str, strict: bool) -> tuple[int, str]:
    q = {k: v for k, v in parse_qsl(raw_query, keep_blank_values=True)}
    params = [
        ("offset", Annotated[int, Field(ge=0)], 0),
        ("limit", Annotated[Optional[int], Field(ge=1)], None),
        ("sort_by", Literal["start_time", "status"] if strict else str, "start_time"),
        ("sort_order", Annotated[str, Field(pattern="^(asc|desc)$")], "desc"),
        ("status", Optional[Literal[STATUSES]] if strict else Optional[str], None),  # type: ignore[valid-type]
    ]
    errors, values = [], {}
    for name, ann, default in params:
        if name not in q:
            values[name] = default
            continue
        try:
            values[name] = TypeAdapter(ann).validate_python(q[name])
        except ValidationError as e:
            errors.extend({**err, "loc": ("query", name) + tuple(err["loc"])} for err in e.errors(include_url=False))
    if errors:
        body = json.dumps({"detail": jsonable_encoder(errors)}, ensure_ascii=False, allow_nan=False,
                          indent=None, separators=(",", ":"))
        return 422, body
    return 200, json.dumps({k: str(v) if isinstance(v, int) else v for k, v in values.items()},
                           ensure_ascii=False, separators=(",", ":"))


QUERY_FIXED = [
    "", "offset=1", "offset=1&offset=2", "offset=abc&offset=2", "offset=2&offset=abc", "offset=",
    "limit=", "sort_order=", "status=", "sort_by=", "offset", "limit", "limit=null", "limit=abc",
    "limit=0", "limit=-5", "limit=1", "offset=-1.0", "offset=-1", "offset=1.0", "offset=+3",
    "offset=%2B3", "offset=%FF", "offset=%ZZ", "offset=1;limit=0", "%6Fffset=abc", "Offset=abc",
    "offset=%C3%A9", "offset=%E2%80%831", "offset=%C2%A01", "offset=%C2%851", "offset=%EF%BB%BF1",
    "offset=0-5", "offset=0__0", "offset=99999999999999999999", "limit=99999999999999999999",
    "offset=" + "9" * 4300, "offset=" + "9" * 4301, "limit=" + "9" * 4301, "offset=+" + "9" * 4301,
    "sort_order=asc", "sort_order=desc", "sort_order=ASC", "sort_order=asc%0A", "sort_order=+asc",
    "sort_order=ascdesc", "sort_order=%E2%82", "sort_order=%22%5C%01%1F%7F%E2%80%A8",
    "status=a%22b%5Cc%0A%09%08%0C%0D", "sort_by=anything", "status=RUNNING",
    "status=x&sort_order=x&sort_by=x&limit=x&offset=x",
    "status=&sort_order=&sort_by=&limit=&offset=",
    "sort_order=nope&offset=-1&limit=0",
    "offset=abc&limit=abc&sort_order=abc&unknown=1",
    "offset=%F0%9F%98%80&limit=%F0%9F%98",
    "offset=\u00e9&sort_order=\u00e9",
]


def random_param_value(name: str, ints: list[str]) -> str:
    from urllib.parse import quote
    if name in ("offset", "limit"):
        # half from the int pool (mostly invalid), half plausible values
        v = rng.choice(ints) if rng.random() < 0.5 else rng.choice(
            ["0", "1", "2", "5", "10", "25", "100", "007", "1_000", " 3", "+3", "1.0", "-0"])
    elif name == "sort_order":
        v = rng.choice(["asc", "desc", "ASC", "Desc", "", " asc", "asc ", "asc\n", "asc|desc", "x", "\u00e9"])
    elif name == "sort_by":
        v = rng.choice(["start_time", "status", "", "x", "Start_Time", "\u00e9"])
    else:
        v = rng.choice(list(STATUSES) + ["", "running", "x", "\u2603"])
    return quote(v, safe="") if rng.random() < 0.8 else quote(v, safe="").replace("%20", "+")


def random_full_query(ints: list[str]) -> str:
    names = ["offset", "limit", "sort_by", "sort_order", "status"]
    segs = []
    for name in names:
        if rng.random() < 0.6:
            segs.append(name + "=" + random_param_value(name, ints))
        if rng.random() < 0.15:  # a duplicate
            segs.append(name + "=" + random_param_value(name, ints))
    if rng.random() < 0.2:
        segs.append("unknown=" + random_param_value("offset", ints))
    rng.shuffle(segs)
    return "&".join(segs)


def query_cases(strict: bool, int_inputs: list[str], n_random: int) -> list[dict]:
    app = make_app(strict)
    small_ints = [s for s in int_inputs if len(s) < 80]
    raws = list(QUERY_FIXED)
    if strict:
        raws = ["", "sort_by=status", "sort_by=start_time", "sort_by=", "sort_by=x", "sort_by=STATUS",
                "status=RUNNING", "status=TERMINATED", "status=", "status=running", "status=null",
                "status=x&sort_by=y&offset=-1", "sort_by=%C3%A9&status=%C3%A9",
                "status=RUNNING&status=x", "status=x&status=FAILED"]
    seen = set(raws)
    target = len(raws) + n_random
    while len(raws) < target:
        q = random_full_query(small_ints)
        if q not in seen:
            seen.add(q)
            raws.append(q)
    out = []
    for raw in raws:
        status, body = asyncio.run(asgi_get(app, raw))
        assert (status, body) == emulate(raw, strict), (raw, status, body, emulate(raw, strict))
        out.append({"raw": raw, "status": status, "body": body})
    return out


def main() -> None:
    ints = int_cases()
    int_inputs = [c["input"] for c in ints]
    qsl = [qsl_case(q) for q in QSL_FIXED]
    seen = set(QSL_FIXED)
    while len(qsl) < len(QSL_FIXED) + 400:
        q = random_query()
        if q not in seen:
            seen.add(q)
            qsl.append(qsl_case(q))
    data = {
        "generator": "test/fastapi/gen-pydantic-cases.py",
        "versions": {
            "python": sys.version.split()[0], "pydantic": pydantic.VERSION,
            "pydantic_core": pydantic_core.__version__, "fastapi": fastapi.__version__,
            "starlette": starlette.__version__,
        },
        "intCases": ints,
        "codePoints": code_point_scan(),
        "qsl": qsl,
        "unquoteSingleBytes": unquote_single_bytes(),
        "unquoteRandom": unquote_random(),
        "queries": query_cases(False, int_inputs, 250),
        "strictLiterals": {"sort_by": ["start_time", "status"], "status": list(STATUSES)},
        "strictQueries": query_cases(True, int_inputs, 60),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=True, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}: {len(ints)} int cases, {len(qsl)} query strings, "
          f"{len(data['queries'])} + {len(data['strictQueries'])} pipeline cases")


if __name__ == "__main__":
    main()
