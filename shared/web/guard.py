"""Refuse query-operator injection before any view runs.

A MongoDB filter built from input is only safe if the input cannot smuggle operators or
paths into it: ``{"household_id": {"$gt": ""}}`` matches every file, ``{"$where": …}`` runs
code on some servers, and a key with a dot addresses a nested field. Schemas already refuse
most of this (a string field does not load a dict), but one forgotten ``fields.Dict`` or a
raw ``request.args`` lookup would let it through, so every request is checked here, the same
way in every service: no key in the JSON body, the query string or a form may start with
``$``, contain a ``.`` or a NUL (no legitimate key contains ``$`` at all, so none may). What is refused gets 400 in the project's JSON error shape.
"""
from __future__ import annotations

from flask import Flask, request
from flask_smorest import abort

MAX_DEPTH = 32


def bad_key(key) -> str | None:
    """Why a mapping key cannot reach the store, or None."""
    key = str(key)
    if "$" in key:
        return "keys may not contain '$' (query operators are not accepted)"
    if "." in key:
        return "keys may not contain '.'"
    if "\x00" in key:
        return "keys may not contain NUL"
    return None


def find_bad_keys(value, where: str = "", depth: int = 0) -> dict[str, list[str]]:
    """{"path.to.key": [reason]} for every bad key in a decoded JSON value."""
    found: dict[str, list[str]] = {}
    if depth > MAX_DEPTH:
        return {where or "<root>": ["nested too deeply"]}
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}/{key}" if where else str(key)
            reason = bad_key(key)
            if reason:
                found[path] = [reason]
            found.update(find_bad_keys(item, path, depth + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(find_bad_keys(item, f"{where}/{index}" if where else str(index), depth + 1))
    return found


def check_request() -> None:
    errors: dict[str, dict] = {}
    for location, keys in (("query", request.args.keys()), ("form", _form_keys())):
        bad = {k: [r] for k in keys if (r := bad_key(k))}
        if bad:
            errors[location] = bad
    if request.is_json:
        body = request.get_json(silent=True)
        bad = find_bad_keys(body)
        if bad:
            errors["json"] = bad
    if errors:
        abort(400, message="Keys that look like query operators or field paths are refused.", errors=errors)


def _form_keys():
    if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype not in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        return ()
    return request.form.keys()


def init_guard(app: Flask) -> None:
    app.before_request(check_request)
