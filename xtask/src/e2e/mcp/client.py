#!/usr/bin/env python3
"""The MCP end-to-end checks of `cargo xtask e2e mcp`, run with the official Python MCP SDK.

Usage: client.py PLAN.json

The plan (written by xtask/src/e2e/mcp.rs) names one running gateway (its /mcp URL and a key),
the command that serves the same tools over stdio, the catalogue of the binary's sites, and what
to call: `calls` (a tool, its arguments, the values expected in the answer or the error code),
`walk` (a list tool paged by passing `next_cursor` back as `cursor`) and `expectations` (the
recorded corpus's expectation files, run as tool calls with check.py's rules). Every check runs
over streamable HTTP and over stdio. Prints one line per check; exits 1 on the first failure.
"""
import asyncio
import json
import re
import sys
import time
import urllib.parse

import httpx2
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
CALL_TIMEOUT = 90


class Failed(Exception):
    pass


def ensure(condition, message):
    if not condition:
        raise Failed(message)


def lookup(doc, path):
    """check.py's paths: "data.id", "data[0].name", "len(data)"."""
    m = re.fullmatch(r"len\((.+)\)", path)
    if m:
        found, value = lookup(doc, m.group(1))
        sized = found and isinstance(value, (list, dict, str))
        return sized, (len(value) if sized else None)
    cur = doc
    for name, index in TOKEN.findall(path):
        if name:
            if not isinstance(cur, dict) or name not in cur:
                return False, None
            cur = cur[name]
        else:
            i = int(index)
            if not isinstance(cur, list) or i >= len(cur):
                return False, None
            cur = cur[i]
    return True, cur


def plain_matches(found, actual, want):
    if not found:
        return False
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(actual, (int, float)):
        return abs(actual - want) < 1e-9
    return actual == want


class Checks:
    def __init__(self, transport):
        self.transport = transport
        self.count = 0
        self.lap = time.monotonic()

    def ok(self, what):
        self.count += 1
        took = time.monotonic() - self.lap
        self.lap = time.monotonic()
        print(f"  ✓ {took:5.1f} s  [{self.transport}] {what}", flush=True)


def typed_arguments(params, query):
    """Query-string values typed as the action's parameters say (the catalogue's types)."""
    kinds = {p["name"]: p["type"] for p in params}
    args = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        kind = kinds.get(name)
        if kind == "integer":
            try:
                args[name] = int(value)
                continue
            except ValueError:
                pass
        elif kind == "number":
            try:
                args[name] = float(value)
                continue
            except ValueError:
                pass
        elif kind == "boolean" and value.lower() in ("true", "false"):
            args[name] = value.lower() == "true"
            continue
        args[name] = value
    return args


def corpus_calls(plan, catalogue):
    """Every expectation of the corpus whose site the binary has, as a tool call."""
    calls = []
    if not plan.get("expectations"):
        return calls
    sys.path.insert(0, plan["corpus"])
    sys.dont_write_bytecode = True  # nothing is written into the corpus
    import check  # the corpus's own rules (lookup, matches), read in place

    actions = {(s["slug"], a["name"]): a for s in catalogue for a in s["actions"]}
    for path in plan["expectations"]:
        with open(path, encoding="utf-8") as fh:
            for exp in json.load(fh):
                url = urllib.parse.urlsplit(exp["path"])
                parts = url.path.strip("/").split("/")
                if len(parts) != 3 or parts[0] != "v1" or (parts[1], parts[2]) not in actions:
                    continue
                action = actions[(parts[1], parts[2])]
                args = typed_arguments(action["params"], url.query)
                args.update(exp.get("body") or {})
                status = exp.get("status", 200)
                calls.append({
                    "label": exp.get("name", exp["path"]),
                    "tool": action["mcp_tool"],
                    "arguments": args,
                    "expect": {} if status != 200 else exp.get("expect", {}),
                    "error": None if status == 200 else exp.get("expect", {}).get("code"),
                    "status": status,
                    "matches": check.matches,
                    "lookup": check.lookup,
                })
    return calls


async def call(session, tool, arguments):
    return await session.call_tool(tool, arguments, read_timeout_seconds=CALL_TIMEOUT)


async def run_calls(session, checks, calls):
    for c in calls:
        result = await call(session, c["tool"], c["arguments"])
        doc = result.structured_content
        label = f"{c['tool']} {json.dumps(c['arguments'], ensure_ascii=False)[:80]}"
        text = result.content[0].text if result.content else None
        ensure(text is not None and json.loads(text) == doc,
               f"{label}: the text block is not the structured content's JSON")
        if c.get("error"):
            ensure(result.is_error, f"{label}: wanted a tool error {c['error']}, got success: {text[:300]}")
            ensure(doc["code"] == c["error"], f"{label}: code {doc['code']}, wanted {c['error']}: {doc.get('detail')}")
            ensure(isinstance(doc.get("retryable"), bool) and doc.get("detail"), f"{label}: {doc}")
            if "retry_after" in c:
                ensure(doc.get("retry_after") == c["retry_after"], f"{label}: retry_after {doc.get('retry_after')}")
            if "status" in c:
                ensure(doc["status"] == c["status"], f"{label}: status {doc['status']}, wanted {c['status']}")
            checks.ok(f"{c.get('label', label)} → isError {doc['code']} (retryable: {doc['retryable']})")
            continue
        ensure(not result.is_error, f"{label}: tool error {text[:400]}")
        # The SDK has validated `doc` against the tool's outputSchema already.
        ensure(isinstance(doc, dict) and "data" in doc and "meta" in doc, f"{label}: not an envelope: {text[:300]}")
        site, action = c["tool"].split("_", 1)
        ensure(doc["meta"]["site"] == site and doc["meta"]["action"] == action, f"{label}: meta {doc['meta']}")
        look = c.get("lookup", lookup)
        match = c.get("matches", plain_matches)
        for path, want in c.get("expect", {}).items():
            found, actual = look(doc, path)
            ensure(match(found, actual, want),
                   f"{label}: {path} = {json.dumps(actual)[:120] if found else '(absent)'}, wanted {json.dumps(want)[:120]}")
        checks.ok(f"{c.get('label', label)} → data ({len(c.get('expect', {}))} values checked)")


async def walk(session, checks, spec):
    args = dict(spec["arguments"])
    pages, items = 0, []
    while True:
        result = await call(session, spec["tool"], args)
        ensure(not result.is_error, f"walk {spec['tool']}: {result.content[0].text[:300]}")
        doc = result.structured_content
        pages += 1
        items.extend(doc["data"])
        ensure(pages <= 20, f"walk {spec['tool']}: no end after 20 pages")
        if doc["next_cursor"] is None:
            break
        args["cursor"] = doc["next_cursor"]
    ensure(pages == spec["pages"] and len(items) == spec["items"],
           f"walk {spec['tool']}: {pages} pages and {len(items)} items, wanted {spec['pages']} and {spec['items']}")
    if "ids" in spec:
        ids = [i.get("id") for i in items]
        ensure(ids == spec["ids"], f"walk {spec['tool']}: ids {ids}, wanted {spec['ids']}")
    checks.ok(f"{spec['tool']} paged by next_cursor: {pages} pages, {len(items)} items, last next_cursor null")


async def session_checks(session, plan, catalogue, checks, corpus):
    init = await session.initialize()
    ensure(init.server_info.name == "techno-scraper", f"server {init.server_info}")
    ensure(init.capabilities.tools is not None, "no tools capability")
    checks.ok(f"initialize: {init.server_info.name} {init.server_info.version}, protocol {init.protocol_version}")

    listed = await session.list_tools()
    tools = {t.name: t for t in listed.tools}
    actions = [(s["slug"], a) for s in catalogue for a in s["actions"]]
    ensure(len(listed.tools) == len(actions) == len(tools),
           f"tools/list has {len(listed.tools)} tools for {len(actions)} actions")
    for slug, action in actions:
        tool = tools.get(action["mcp_tool"])
        ensure(tool is not None, f"no tool {action['mcp_tool']}")
        ensure(tool.name == f"{slug}_{action['name']}", tool.name)
        ensure(tool.input_schema.get("type") == "object", f"{tool.name}: inputSchema {tool.input_schema}")
        for combinator in ("oneOf", "anyOf", "allOf"):
            ensure(combinator not in tool.input_schema, f"{tool.name}: root {combinator}")
        ensure(set(tool.input_schema.get("properties", {})) == {p["name"] for p in action["params"]},
               f"{tool.name}: inputSchema properties")
        ensure(tool.output_schema and tool.output_schema.get("type") == "object", f"{tool.name}: outputSchema")
        ensure(tool.annotations.read_only_hint is True and tool.annotations.open_world_hint is True,
               f"{tool.name}: annotations {tool.annotations}")
        ensure(action["summary"].rstrip(".") in (tool.description or ""), f"{tool.name}: description")
        if action["list"]:
            ensure("next_cursor" in tool.description, f"{tool.name}: no paging in the description")
    checks.ok(f"tools/list: {len(tools)} tools = {len(actions)} actions, schemas and annotations as described")

    calls = [c for c in plan.get("calls", []) + corpus if c["tool"] in tools]
    for c in plan.get("calls", []):
        if c["tool"] not in tools:
            print(f"  - [{checks.transport}] {c['tool']} is not in this binary: its call is skipped", flush=True)
    await run_calls(session, checks, calls)
    if plan.get("walk"):
        await walk(session, checks, plan["walk"])

    # Unconfigured sites: their tools are listed; a call names what to set.
    for site in (s for s in catalogue if not s["configured"]):
        action = site["actions"][0]
        result = await call(session, action["mcp_tool"], action["example"]["params"])
        doc = result.structured_content
        ensure(result.is_error and doc["code"] == "not_configured", f"{action['mcp_tool']}: {doc}")
        missing = [s["env"] for s in site["settings"] if s["required"] and not s["set"]]
        ensure(all(var in doc["detail"] for var in missing), f"{action['mcp_tool']}: {doc['detail']} names not {missing}")
        checks.ok(f"{action['mcp_tool']} (site not configured) → isError not_configured naming {', '.join(missing)}")

    # Every site answered at least one call of its own.
    called = {c["tool"].split("_", 1)[0] for c in calls if not c.get("error")}
    called |= {s["slug"] for s in catalogue if not s["configured"]}
    for site in (s for s in catalogue if s["slug"] not in called):
        action = site["actions"][0]
        result = await call(session, action["mcp_tool"], action["example"]["params"])
        doc = result.structured_content
        ensure(isinstance(doc, dict), f"{action['mcp_tool']}: no structured content")
        outcome = f"isError {doc['code']}" if result.is_error else "data"
        checks.ok(f"{action['mcp_tool']} with its example (no mock route, no recorded traffic) → {outcome}")
    return set(tools)


async def over_http(plan, catalogue, corpus):
    checks = Checks("http")
    url, key = plan["http"]["url"], plan["http"]["key"]
    async with create_mcp_http_client(headers={"Authorization": f"Bearer {key}"}) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session_checks(session, plan, catalogue, checks, corpus)

    # The 2026-07-28 protocol: no handshake, server/discover then per-request versions.
    async with create_mcp_http_client(headers={"Authorization": f"Bearer {key}"}) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                found = await session.discover()
                listed = await session.list_tools()
                ensure(len(listed.tools) == sum(len(s["actions"]) for s in catalogue), "discover: tools/list")
                first = next(c for c in plan.get("calls", []) + corpus
                             if c["tool"] in {t.name for t in listed.tools} and not c.get("error"))
                result = await call(session, first["tool"], first["arguments"])
                ensure(not result.is_error and "data" in result.structured_content, f"discover: {first['tool']}")
    checks.ok(f"server/discover ({session.protocol_version}, no handshake; server offers "
              f"{', '.join(found.supported_versions)}): tools/list and {first['tool']}")

    # The request id: the one sent in X-Request-Id reaches the engine and comes back in the result.
    failing = next(c for c in plan.get("calls", []) + corpus if c.get("error") == "invalid_params")
    body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": failing["tool"], "arguments": failing["arguments"]}}
    async with httpx2.AsyncClient(timeout=30) as raw:
        answer = await raw.post(url, json=body, headers={
            "Authorization": f"Bearer {key}", "Accept": "application/json, text/event-stream",
            "X-Request-Id": "mcp-e2e-request-1"})
    result = answer.json().get("result", {})
    ensure(answer.status_code == 200 and answer.headers.get("x-request-id") == "mcp-e2e-request-1",
           f"X-Request-Id: HTTP {answer.status_code} {answer.headers.get('x-request-id')}")
    ensure(result.get("isError") is True and result["structuredContent"]["request_id"] == "mcp-e2e-request-1",
           f"the tool error does not carry the request id: {answer.text[:300]}")
    checks.ok("X-Request-Id echoed and carried into the tool error's request_id")

    # X-API-Key works as well as Bearer.
    async with create_mcp_http_client(headers={"X-API-Key": key}) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.list_tools()
                ensure(len(listed.tools) > 0, "no tools with X-API-Key")
    checks.ok("X-API-Key accepted as well as Authorization: Bearer")

    # A wrong key, and no key, are refused: the SDK fails to initialize, the wire says 401.
    for headers, what in (({"Authorization": "Bearer wrong-key"}, "a wrong key"), ({}, "no key")):
        refused = None
        try:
            async with create_mcp_http_client(headers=headers) as http:
                async with streamable_http_client(url, http_client=http) as (read, write):
                    async with ClientSession(read, write) as session:
                        await asyncio.wait_for(session.initialize(), 30)
        except Exception as e:  # the SDK's error for a 401, inside its task groups' ExceptionGroups
            while getattr(e, "exceptions", None):
                e = e.exceptions[0]
            refused = f"{type(e).__name__}: {e}"
        ensure(refused is not None, f"{what}: the SDK initialized")
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        async with httpx2.AsyncClient(timeout=30) as raw:
            answer = await raw.post(url, json=body, headers={
                **headers, "Accept": "application/json, text/event-stream"})
        ensure(answer.status_code == 401 and answer.json().get("code") == "unauthorized",
               f"{what}: HTTP {answer.status_code} {answer.text[:200]}")
        ensure(answer.headers.get("www-authenticate", "").lower().startswith("bearer"), "no WWW-Authenticate")
        checks.ok(f"{what} refused: initialize fails ({refused}); the wire says 401 unauthorized")
    return checks.count


async def over_stdio(plan, catalogue, corpus):
    checks = Checks("stdio")
    server = StdioServerParameters(command=plan["stdio"]["command"], args=plan["stdio"]["args"],
                                   env=plan["stdio"]["env"])
    with open(plan["stdio"]["log"], "w", encoding="utf-8") as log:
        async with stdio_client(server, errlog=log) as (read, write):
            async with ClientSession(read, write) as session:
                await session_checks(session, plan, catalogue, checks, corpus)
    return checks.count


async def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        plan = json.load(fh)
    catalogue = plan["catalogue"]
    corpus = corpus_calls(plan, catalogue)
    print(f"\n--- {plan['name']}: {len(catalogue)} sites, "
          f"{sum(len(s['actions']) for s in catalogue)} actions, {len(plan.get('calls', [])) + len(corpus)} calls",
          flush=True)
    total = await over_http(plan, catalogue, corpus)
    total += await over_stdio(plan, catalogue, corpus)
    print(f"--- {plan['name']}: {total} checks passed (streamable HTTP and stdio)", flush=True)


def failure_in(error):
    """The check that failed, out of the SDK's task groups' ExceptionGroups."""
    if isinstance(error, Failed):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = failure_in(inner)
        if found is not None:
            return found
    return None


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except BaseException as e:
        failed = failure_in(e)
        if failed is None:
            raise
        print(f"FAILED: {failed}", flush=True)
        sys.exit(1)
