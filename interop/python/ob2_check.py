"""Cairn's interop helper for 1EdTech's Open Badges 2.0 validator
(`openbadges` 1.1.2) and the openbadges-bakery it depends on (1.2.x).

Reads one job (JSON) from stdin and prints one result (JSON) to stdout:

    {"command": "validate" | "unbake",
     "contexts": {"<url>": "<file>"},   answered without the network
     "items": [ ... ]}

validate items:
    {"name", "input": an assertion URL, JWS or JSON text, or
     "file": a baked image, "email": the recipient's address}
unbake items:
    {"name", "file"}

The validator fetches everything it meets (the assertion, badge class,
issuer, key, revocation list, images, and the Open Badges 2.0 context for
every input). The documents are served by the test on 127.0.0.1; the
contexts are answered from Cairn's bundled copies; any other URL is refused,
so nothing leaves the machine.
"""

import json
import sys
import traceback
from urllib.parse import urlparse


def offline_requests(contexts, fetched):
    """Patch requests so that contexts are answered from files, 127.0.0.1
    is fetched, and every other host is refused."""
    import requests

    original = requests.Session.request

    def request(self, method, url, *args, **kwargs):
        fetched.append(url)
        if url in contexts:
            response = requests.models.Response()
            response.status_code = 200
            response.url = url
            response._content = contexts[url]
            response.encoding = "utf-8"
            response.headers["Content-Type"] = "application/ld+json"
            response.from_cache = False
            return response
        host = urlparse(url).hostname
        if host not in ("127.0.0.1", "localhost"):
            raise requests.ConnectionError(
                "offline test: refusing to fetch %s" % url)
        return original(self, method, url, *args, **kwargs)

    requests.Session.request = request


def validate_item(item):
    # openbadges.verify(), in its two steps, to keep the task list too.
    from openbadges.verifier.verifier import (
        _get_options, generate_report, verification_store)

    options = _get_options({"use_cache": False, "cache_backend": None})
    profile = {"email": item["email"]} if item.get("email") else None
    if "file" in item:
        with open(item["file"], "rb") as f:
            store = verification_store(f, profile, options=options)
    else:
        store = verification_store(item["input"], profile, options=options)
    report = generate_report(store, options=options)["report"]
    tasks = [
        {"name": t.get("name"), "success": t.get("success"),
         "result": t.get("result")}
        for t in store.get_state().get("tasks", [])
    ]
    messages = [
        {"level": m.get("messageLevel"), "name": m.get("name"),
         "result": m.get("result")}
        for m in report.get("messages", [])
    ]
    return {"valid": bool(report.get("valid")),
            "errorCount": report.get("errorCount"),
            "warningCount": report.get("warningCount"),
            "validationSubject": report.get("validationSubject"),
            "openBadgesVersion": report.get("openBadgesVersion"),
            "messages": messages,
            "tasks": tasks,
            "revocationLists": [
                n for n in store.get_state().get("graph", [])
                if n.get("type") == "RevocationList"]}


def unbake_item(item):
    from openbadges_bakery import unbake
    with open(item["file"], "rb") as f:
        payload = unbake(f)
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    return {"payload": payload}


def main():
    job = json.load(sys.stdin)
    contexts = {}
    for url, path in job.get("contexts", {}).items():
        with open(path, "rb") as f:
            contexts[url] = f.read()
    fetched = []
    offline_requests(contexts, fetched)
    results = []
    for item in job["items"]:
        result = {"name": item["name"]}
        try:
            if job["command"] == "validate":
                result.update(validate_item(item))
            elif job["command"] == "unbake":
                result.update(unbake_item(item))
            else:
                raise ValueError("unknown command %r" % job["command"])
        except Exception as exc:  # every refusal is reported, not raised
            result["valid"] = False
            result["error"] = "%s: %s" % (type(exc).__name__, exc)
            result["traceback"] = traceback.format_exc(limit=6)
        results.append(result)
    json.dump({"results": results, "fetched": fetched}, sys.stdout)


if __name__ == "__main__":
    main()
