"""The data set of the reads-at-size benchmark: households, their history, the area
statistics and area names, as the registry's consumer and relay would have left them after
applying every event — written straight into the registry's collections, no Kafka.

Loading a million households and ten million entries takes the better part of an hour on
a 2-core machine, so a set is loaded once into a store data folder of its own, kept under
the cache (``$JINGZHUN_CACHE/reads/h<households>-e<history>-v<LOADER_VERSION>``) and reused
by later runs; a folder without its ``loaded.json`` is a load that did not finish and is
loaded again. Change LOADER_VERSION when what is loaded changes.

Cheap to make: each history entry is one of a few hundred entries built with the
registry's own ``timeline_entry`` (titles, income, amounts), copied with its household,
id and time; each household's summary is the registry's ``summary_after`` of its events."""
from __future__ import annotations

import json
import os
import queue
import random
import shutil
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from bench import workload
from shared import outbox
from shared.events.catalogue import CATALOGUE
from services.registry.adapters.areas import Areas
from services.registry.adapters.change_requests import ChangeRequests
from services.registry.adapters.events import EventApplier
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.stats import Stats, offset_key, _writes
from services.registry.domain.areas import level_of, parent_of
from services.registry.domain.assistance import summary_after, summary_update, timeline_entry
from services.registry.domain.households import new_summary

LOADER_VERSION = 1
DB_PREFIX = "reads"          # the registry's database in a cached folder: reads_registry
SECRET_KEY = "bench-reads-cached-set"   # the registry web's key for a cached set (16+ characters)
TEMPLATES = 499              # distinct history entries copied over the whole set
BATCH = 20_000               # documents per insert_many: 1,000 → 20,000 loaded ~30% faster (bench/CHANGES.md)
NICE = 10                    # the loader's threads and the store yield to anything else on the machine
YEAR = 2026


@dataclass(frozen=True)
class DataSet:
    households: int
    history: int

    @property
    def key(self) -> str:
        return f"h{self.households}-e{self.history}-v{LOADER_VERSION}"

    def events_of(self, i: int) -> range:
        """Indexes of household ``i``'s events: the history shared out evenly."""
        per, extra = divmod(self.history, self.households)
        start = i * per + min(i, extra)
        return range(start, start + per + (1 if i < extra else 0))


def cache_root() -> Path:
    base = os.environ.get("JINGZHUN_CACHE") or str(Path.home() / ".cache" / "jingzhun")
    return Path(os.environ.get("JINGZHUN_READS_CACHE") or Path(base) / "reads")


def cached_sets(root: Path | None = None) -> list[tuple[DataSet, Path]]:
    """The sets fully loaded under ``root`` by this LOADER_VERSION, smallest first."""
    found = []
    for folder in (root or cache_root()).glob(f"h*-e*-v{LOADER_VERSION}"):
        if (folder / "loaded.json").exists():
            h, e = folder.name.split("-")[:2]
            found.append((DataSet(int(h[1:]), int(e[1:])), folder))
    return sorted(found, key=lambda item: (item[0].households, item[0].history))


def load_record(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "loaded.json").read_text())
    except (OSError, ValueError):
        return None


class Templates:
    """A few hundred (history entry, summary update) pairs made by the registry's own code."""

    def __init__(self, seed: int = 11):
        rng = random.Random(seed)
        kinds = [k for k in workload.MIX for _ in range(k[3])]
        self.items = []
        for n in range(TEMPLATES):
            program, type_name, make, _ = rng.choice(kinds)
            event_type = CATALOGUE.get(type_name)
            data = make(workload.household_id(0), n)
            envelope = SimpleNamespace(id="", subject="", type=type_name, source=program, time="", data=data)
            self.items.append((timeline_entry(envelope, event_type), summary_update(event_type, data), program))

    def entry(self, j: int, household_id: str, event_id: str, occurred_at: str) -> tuple[dict, dict, str]:
        template, update, program = self.items[j % TEMPLATES]
        data = {**template["data"], "household_id": household_id}
        return ({**template, "_id": event_id, "household_id": household_id, "occurred_at": occurred_at,
                 "data": data}, update, program)


def occurred_at(j: int, total: int) -> str:
    """Spread over the year, in event order (as a year's log was applied)."""
    day = j * 365 // max(total, 1)
    month, mday = min(day // 31, 11) + 1, day % 28 + 1
    return f"{YEAR}-{month:02d}-{mday:02d}T{8 + j % 10:02d}:{j % 60:02d}:00.000Z"


def generate(dataset: DataSet, repo: HouseholdRepository, batch: int = BATCH):
    """Batches of ("households" | "history", documents) and, last, ("stats", counters);
    ``repo`` only makes the documents (as create() would), it writes nothing."""
    templates = Templates()
    rng = random.Random(8)
    counters: dict = defaultdict(lambda: defaultdict(int))   # (position, group, month, village) → increments
    households, history = [], []
    for i in range(dataset.households):
        hid = workload.household_id(i)
        doc = repo._new_document(workload.household_fields(i), "bench", hid)
        summary, applied, reached = new_summary(), {}, set()
        partition = (i // 3) % 3   # i % 3 is the county
        for j in dataset.events_of(i):
            event_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            at = occurred_at(j, dataset.history)
            entry, update, program = templates.entry(j, hid, event_id, at)
            summary = summary_after(summary, update)
            applied[event_id] = f"jingzhun.program.{program}:{partition}:{j}|{'more' if program in reached else 'first'}"
            inc = counters[(f"jingzhun.program.{program}:{partition}", program, at[:7], doc["village_code"])]
            inc["events"] += 1
            inc["income_fen"] += entry["income_fen"]
            inc["amount_fen"] += entry["amount_fen"]
            inc["households_reached"] += int(program not in reached)
            reached.add(program)
            history.append(entry)
        people = counters[(f"jingzhun.registry:{partition}", "households", "-", doc["village_code"])]
        people["households.identified"] += 1
        people["people.identified"] += len(doc["members"])
        counters[(f"jingzhun.registry:{partition}", "registry", f"{YEAR - 1}-12", doc["village_code"])]["identified"] += 1
        doc.update({"summary": summary, "applied": applied, outbox.PENDING_FIELD: [], outbox.FLAG_FIELD: False,
                    outbox.REV_FIELD: 1 + len(applied)})
        households.append(doc)
        if len(households) >= batch:
            yield "households", households
            households = []
        while len(history) >= batch:
            yield "history", history[:batch]
            history = history[batch:]
    if households:
        yield "households", households
    if history:
        yield "history", history
    yield "stats", counters


def stats_documents(counters: dict) -> list[dict]:
    """The month documents Stats would hold: village increments summed up to township and
    county (its area totals are made from them, as on an upgrade)."""
    docs: dict = {}
    for (position, group, month, village), inc in counters.items():
        for target, doc_id, described, up in _writes(group, month, [(village, dict(inc))]):
            if target != "stats":
                continue
            doc = docs.setdefault(doc_id, {"_id": doc_id, **described, "offsets": {}})
            doc["offsets"][offset_key(position)] = 0
            for key, value in up.items():
                target = doc
                *outer, last = key.split(".")
                for part in outer:
                    target = target.setdefault(part, {})
                target[last] = target.get(last, 0) + value
    return list(docs.values())


def area_documents(dataset: DataSet) -> list[dict]:
    """Names and registered populations (about 3.5 people per household, so incidence is plausible)."""
    people: dict = defaultdict(int)
    for i in range(dataset.households):
        people[workload.village_code(i)] += 2
    codes = {}
    for village, count in people.items():
        codes[village] = int(count * 3.5)
        codes.setdefault(village[:9], 0)
        codes.setdefault(village[:6], 0)
    names = {"621202": "武都区", "621222": "文县", "621223": "宕昌县"}
    return [{"_id": code, "name": names.get(code) or (f"{code[6:9]}镇" if len(code) == 9 else f"{code[9:]}村"),
             "level": level_of(code), "parent": parent_of(code), "population": population}
            for code, population in sorted(codes.items())]


def ensure_registry_indexes(db, protection: IdProtection) -> None:
    """The indexes the registry web and consumer create (the same calls as at their start)."""
    HouseholdRepository(db, protection).ensure_indexes()
    ChangeRequests(db).ensure_indexes()
    Areas(db).ensure_indexes()
    EventApplier(db).ensure_indexes()


def load(db, dataset: DataSet, protection: IdProtection, indexes_first: bool = False, batch: int = BATCH,
         log=print) -> dict:
    """Fill the registry's collections of ``db`` (empty) with ``dataset``. Generation and
    inserts overlap (one thread each), both at a lower priority."""
    started = time.monotonic()
    index_s = 0.0
    if indexes_first:
        ensure_registry_indexes(db, protection)
    work: queue.Queue = queue.Queue(maxsize=2)
    done = {"households": 0, "history": 0}
    failure: list = []
    counters: dict = {}

    def writer():
        while True:
            item = work.get()
            if item is None:
                return
            name, docs = item
            if not failure:
                try:
                    db[name].insert_many(docs, ordered=False)
                except Exception as exc:  # noqa: BLE001 — raised below, in the caller
                    failure.append(exc)
                done[name] += len(docs)

    def generator():
        last_log = time.monotonic()
        try:
            for name, docs in generate(dataset, HouseholdRepository(db, protection), batch):
                if failure:
                    break
                if name == "stats":
                    counters.update(docs)
                    break
                work.put((name, docs))
                if time.monotonic() - last_log > 30:
                    last_log = time.monotonic()
                    n = done["households"] + done["history"]
                    log(f"bench:   reads load {dataset.key}: {done['households']:,} households, "
                        f"{done['history']:,} entries, {n / (last_log - started):,.0f} documents/s")
        except Exception as exc:  # noqa: BLE001
            failure.append(exc)
        finally:
            work.put(None)

    threads = [niced_thread(writer), niced_thread(generator)]
    for thread in threads:
        thread.join()
    if failure:
        raise failure[0]
    insert_s = time.monotonic() - started
    stats = stats_documents(counters)
    areas = area_documents(dataset)
    db["stats"].insert_many(stats)
    Stats(db).upgrade()   # the area totals, from the month documents
    db["areas"].insert_many(areas)
    if not indexes_first:
        index_started = time.monotonic()
        ensure_registry_indexes(db, protection)
        index_s = time.monotonic() - index_started
    seconds = time.monotonic() - started
    documents = dataset.households + dataset.history + len(stats) + len(areas)
    return {"households": dataset.households, "history": dataset.history, "stats": len(stats), "areas": len(areas),
            "seconds": round(seconds, 1), "insert_seconds": round(insert_s, 1), "index_seconds": round(index_s, 1),
            "indexes_first": indexes_first, "batch": batch, "rate": round(documents / seconds),
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "load_average": os.getloadavg()}


def niced_thread(target) -> threading.Thread:
    """A started thread at priority NICE (Linux sets it per thread): the loader yields the
    machine's two cores to anything else running."""
    def run():
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
        target()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def folder_for(dataset: DataSet, root: Path) -> Path:
    return root / dataset.key


def discard_partial(folder: Path) -> None:
    """A folder without loaded.json is a load that did not finish: start it again."""
    if folder.exists() and not (folder / "loaded.json").exists():
        shutil.rmtree(folder)
