"""MongoDB helpers. One MongoClient per process, created after gunicorn forks.

Write only what both FerretDB (local) and MongoDB (production) support: single-document
atomic updates, no multi-document transactions, no change streams, no $lookup/$facet.
"""
from __future__ import annotations

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError
from pymongo.database import Database

from shared.config import Settings


def make_client(settings: Settings) -> MongoClient:
    return MongoClient(settings.mongo_url, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000,
                       tz_aware=True, appname=settings.service)


def service_db(client: MongoClient, settings: Settings) -> Database:
    return client[settings.database_name]


def auth_db(client: MongoClient, settings: Settings) -> Database:
    """Users and API tokens: shared by every service UI so one login works everywhere."""
    return client[settings.auth_database_name]


def insert_new(collection: Collection, documents: list[dict]) -> set:
    """insert_many that skips documents whose _id is already there; returns those _ids."""
    if not documents:
        return set()
    try:
        collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != 11000 for e in errors):
            raise
        return {documents[e["index"]]["_id"] for e in errors}
    return set()
