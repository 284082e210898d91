"""Patches to FerretDB 1.24, applied to a copy of its module before building: text
replacements in FerretDB's files (below) and whole files of ours (``_overlay/``, copied over
the module; Go tooling skips a directory whose name starts with ``_``).

1. Atomic single-document writes. FerretDB 1.x implements `update`, `findAndModify` and `delete` by querying the documents,
applying the change in Go and writing them back, with nothing held in between: two
concurrent `$inc`s on one document lose one of them (measured here: 3 writers × 300 `$inc`
kept 366 of 900). MongoDB applies each single-document update atomically, and Jingzhun
relies on that (outbox relay, consumer and web writers touch the same documents). One
process-wide mutex around those commands restores it; SQLite serialises writes anyway.

2. Answer filters from SQLite's indexes. FerretDB 1.24's SQLite backend pushes down only a
   filter that is *exactly* ``{_id: …}``, and even that one scans the table: it indexes
   ``_id`` as ``_ferretdb_sjson->"_id"`` but looks it up as ``->'$._id'``, and SQLite
   matches index expressions by their form. Every other filter (``{_id: x, version: 3}``,
   ``{household_id: h}``, a county's households by name) read and decoded the whole
   collection in Go (~0.7 ms a document, under the write lock for updates). Patched:
   ``_id`` is looked up as ``->'_id'`` (same meaning, the index's form); indexes on other
   top-level fields are built on the field's SQL value (``->>``, strings in code-point order
   as in MongoDB); and ``jingzhunWhere`` (``_overlay/internal/backends/sqlite``) pushes down
   equality, ``$in``, anchored literal ``$regex`` prefixes and ranges on strings, equality
   with a boolean (the relays' sweep for ``outbox_pending: true``), plus ``_id`` equality
   and ``$in`` on strings, ObjectIDs and integers. It pushes only conditions the filter
   implies and admits rows whose field is an array, so SQLite returns a superset; the
   handler filters every row again, so results are unchanged (a test compares each filter
   with the same filter evaluated without pushdown). Measured on 200,000 documents: a
   county's households by name prefix in 15 ms, by _id in 1–3 ms. Before it, ``make bench``
   found the registry consumer spending ~85 ms of store CPU per event (a lookup by _id
   among 200 households took 18 ms; after, 0.005 ms).

3. Count and sorted pages in SQL. FerretDB still read, decoded and sorted every match
   before counting or taking a page: a county's surname search (16,000 matches at 500,000
   households) took 14 s. When every condition of a filter is pushed down exactly, the
   `count` command counts in SQLite (from the index, without reading documents) and a
   `find` sorted ascending on fields the filter holds to strings (then maybe ``_id``) with
   a limit takes its first skip + limit rows in SQL order; rows with an array in a filtered
   field, which SQL cannot judge, are read and filtered as before. See
   ``_overlay/internal/handler/jingzhun_pushdown.go``; a test compares counts and pages
   with the same queries answered without pushdown.

4. An ``$inc`` of 32-bit integers whose sum leaves their range gives a 64-bit integer, as in
   MongoDB. FerretDB 1.24 promoted it only when the increment was the extreme value itself,
   and otherwise wrapped: a county's monthly income in fen, past 2^31 (21.5 million yuan),
   turned negative. Found when counters of three partitions were summed into one document;
   a test adds past the range.

5. One statement's query closed before the next. ``update`` opens a query per statement
   and deferred closing it to the end of the whole command, so a ``bulk_write`` of N
   updates of existing documents held N SQLite connections at once (each query's rows).
   The pool has 100: the hundred-and-first statement's write waited for a connection
   forever while holding the write lock of patch 1, and every later write, then every
   command, hung (seen with bulks of 500 upserts; ``../shared/repro/store_bulk_deadlock.py``
   wedged it within ~60 rounds). Each statement now closes its query when it is done; a
   test sends bulks of 1,000 updates of existing documents from concurrent writers.

6. WAL checkpoints beside the writes, not inside them. With SQLite's default, the commit
   that finds the write-ahead log past 1,000 pages runs the checkpoint itself. Under steady
   writes that checkpoint never catches up (an update holds a read of its document open
   while it writes), so every later commit tries again, sorting the whole log each time,
   and the log grows anyway: bulk updates of existing documents spent a third of the
   store's CPU there (0.73 ms a statement) and the log reached 176 MB in 15 s. Every
   connection now opens with ``wal_autocheckpoint(0)``; every 200 ms the pool copies each
   database's log past 4 MiB into it without waiting for anyone (PASSIVE), and a log past
   64 MiB while the write lock of part 1 is held (RESTART: between read-modify-write
   commands, so that the next write starts the log over; ``journal_size_limit`` then cuts
   the file back to 64 MiB). ``_overlay/.../pool/jingzhun_checkpoint.go``; the write lock
   moved to ``internal/backends`` so that the pool can take it. Measured on the same bulk
   updates: 0.16 ms a statement, the log at most 73 MB; a test checks that the log is
   copied back and stays bounded (the unpatched store let it reach ~500 MB).

7. SQL debug logging only when debug is on. FerretDB's ``fsql`` logs each statement at
   debug level with ``l.With(args…)``, and slog's text handler formats the attributes in
   ``With``, before the level is looked at: every insert quoted its documents as text to
   throw the text away (13 % of the store's CPU under the registry's ingest).

8. No leak tracking outside debug builds. ``resource.Track`` records a stack trace in a
   pprof profile for every iterator and connection FerretDB opens, so that its own tests
   can find what was never closed; in a release build nothing reads it (7 % of the store's
   CPU under ingest). Track and Untrack now return at once unless ``debugbuild.Enabled``.

Used by stack.py: it copies the module from Go's module cache, calls ``patch(dir)`` and
builds against the copy (a ``replace`` in a go.mod kept in the cache, not in the repo)."""
from __future__ import annotations

import shutil
from pathlib import Path

OVERLAY = Path(__file__).resolve().parent / "_overlay"

LOCK = "\n\twriteMu.Lock()\n\tdefer writeMu.Unlock()\n"
ANCHORS = {
    "internal/handler/msg_update.go":
        "func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {",
    "internal/handler/msg_findandmodify.go":
        "func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {",
    "internal/handler/msg_delete.go":
        "func (h *Handler) execDelete(ctx context.Context, c backends.Collection, p *common.Delete) (int32, error) {",
}


PUSHDOWN_FILE = "internal/backends/sqlite/collection.go"
# The Query function's own pushdown: only a filter that is exactly {_id: …}.
PUSHDOWN_FROM = """	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

	q += whereClause"""
PUSHDOWN_TO = """	whereClause, args = jingzhunWhere(params.Filter)

	q += whereClause"""

# Explain shows SQLite's plan for the same WHERE clause, so a test can see the index used.
EXPLAIN_FROM = """	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}"""
EXPLAIN_TO = """	whereClause, args = jingzhunWhere(params.Filter)
	filterPushdown = whereClause != ""

	// A find that jingzhunQuery answers with a sorted page in SQL: that page's plan.
	jingzhunOrder := ""
	if len(params.JingzhunOrder) > 0 {
		page := &backends.QueryParams{Filter: params.Filter, JingzhunPart: 1, JingzhunOrder: params.JingzhunOrder}
		if where, whereArgs, err := jingzhunSelect(page); err == nil {
			whereClause, args, jingzhunOrder = where, whereArgs, jingzhunOrderBy(page)
			params = &backends.ExplainParams{Filter: params.Filter, Limit: params.JingzhunLimit}
		}
	}"""
EXPLAIN_ORDER_FROM = "	orderByClause := prepareOrderByClause(params.Sort)\n"
EXPLAIN_ORDER_TO = "	orderByClause := prepareOrderByClause(params.Sort) + jingzhunOrder\n"

# FerretDB indexes a field as `_ferretdb_sjson->"field"`, but looks _id up with
# `->'$._id'`: SQLite matches index expressions by their form, so that lookup never used
# the _id index and scanned the table. `->'_id'` means the same and matches the index.
ID_COLUMN_FILE = "internal/backends/sqlite/metadata/metadata.go"
ID_COLUMN_FROM = """IDColumn = DefaultColumn + "->'$._id'\""""
ID_COLUMN_TO = """IDColumn = DefaultColumn + "->'_id'\""""

# Index a top-level field by its SQL value (`->>`), not its JSON text (`->`): JSON text
# orders strings by their escaped form (a space sorts before the closing quote), the SQL
# value orders them by code point, as MongoDB does. See jingzhunWhere. _id alone keeps the
# index FerretDB looks it up by; within a compound index, such as (county_code, head_name,
# _id), it too is the SQL value, so that a sorted page reads the index in its order.
INDEX_FILE = "internal/backends/sqlite/metadata/registry.go"
INDEX_FROM = """			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))"""
INDEX_TO = """			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
			if len(fields) == 1 && (key.Field != "_id" || len(index.Key) > 1) {
				columns[i] = fmt.Sprintf("%s->>%s", DefaultColumn, fields[0])
			}"""



# Part 3: the query parameters that ask the SQLite backend for a count or a sorted page.
PARAMS_FILE = "internal/backends/collection.go"
PARAMS_FROM = """	OnlyRecordIDs bool
	Comment       string
}"""
PARAMS_TO = """	OnlyRecordIDs bool
	Comment       string

	// Added by Jingzhun (deploy/local/ferretdb/patches.py); see the SQLite backend's jingzhunSelect.
	JingzhunPart  int      // 0: every row the filter may match; 1: those that surely match; 2: the others
	JingzhunOrder []string // part 1: ascending by these top-level fields (Limit applies after)
	JingzhunCount bool     // part 1: one document {n: the number of rows}
}"""
QUERY_FROM = PUSHDOWN_TO + """
	q += prepareOrderByClause(params.Sort)
"""
QUERY_TO = """	var jingzhunErr error
	if whereClause, args, jingzhunErr = jingzhunSelect(params); jingzhunErr != nil {
		return nil, jingzhunErr
	}

	if params.JingzhunCount {
		return jingzhunCount(ctx, db, meta.TableName, whereClause, args)
	}

	q += whereClause
	q += prepareOrderByClause(params.Sort) + jingzhunOrderBy(params)
"""
EXPLAIN_PARAMS_FROM = """type ExplainParams struct {
	Filter *types.Document
	Sort   *types.Document
	Limit  int64
}"""
EXPLAIN_PARAMS_TO = """type ExplainParams struct {
	Filter *types.Document
	Sort   *types.Document
	Limit  int64

	// Added by Jingzhun (deploy/local/ferretdb/patches.py): a find's sorted page, as QueryParams.
	JingzhunOrder []string
	JingzhunLimit int64
}"""
EXPLAIN_CMD_FILE = "internal/handler/msg_explain.go"
EXPLAIN_CMD_FROM = "	res, err := coll.Explain(connCtx, qp)\n"
EXPLAIN_CMD_TO = """	if params.Command.Command() == "find" && !h.DisablePushdown && !cInfo.Capped() && qp.Filter.Len() == params.Filter.Len() {
		page := &common.FindParams{Filter: params.Filter, Sort: params.Sort, Skip: params.Skip, Limit: params.Limit}
		if order, ok := jingzhunOrder(page); ok {
			qp.JingzhunOrder, qp.JingzhunLimit = order, params.Skip+params.Limit
		}
	}

""" + EXPLAIN_CMD_FROM
FIND_FILE = "internal/handler/msg_find.go"
FIND_FROM = "	queryRes, err := coll.Query(ctx, qp)\n"
FIND_TO = "	queryRes, err := h.jingzhunQuery(ctx, coll, params, qp, capped)\n"
COUNT_FILE = "internal/handler/msg_count.go"
COUNT_FROM = """	var qp backends.QueryParams
	if !h.DisablePushdown {
		qp.Filter = params.Filter
	}
"""
COUNT_TO = """	if n, ok, err := h.jingzhunCountRows(connCtx, c, params); err != nil {
		return nil, lazyerrors.Error(err)
	} else if ok {
		return documentOpMsg(must.NotFail(types.NewDocument("n", n, "ok", float64(1))))
	}

""" + COUNT_FROM
ADD_FILE = "internal/handler/common/params.go"
ADD_FROM = """		case int32:
			if v2 == math.MaxInt32 && v1 > 0 {
				return int64(v1) + int64(v2), nil
			}

			if v2 == math.MinInt32 && v1 < 0 {
				return int64(v1) + int64(v2), nil
			}

			return v1 + v2, nil
"""
ADD_TO = """		case int32:
			// Jingzhun: out of int32's range, the sum is an int64 (MongoDB's rule).
			if sum := int64(v1) + int64(v2); sum > math.MaxInt32 || sum < math.MinInt32 {
				return sum, nil
			}

			return v1 + v2, nil
"""

# Part 5: update's per-statement query is closed when the statement is done, not when the
# whole command returns (a deferred close in a loop held a connection per statement).
UPDATE_FILE = "internal/handler/msg_update.go"
UPDATE_CLOSE_FROM = """		closer := iterator.NewMultiCloser()
		defer closer.Close()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
"""
UPDATE_CLOSE_TO = """		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		closer.Close() // Jingzhun: now, not at the command's end (one SQLite connection per statement)
"""

# Part 6: WAL checkpoints in the background (``_overlay/.../pool/jingzhun_checkpoint.go``).
POOL_FILE = "internal/backends/sqlite/metadata/pool/pool.go"
POOL_FROM = """		p.dbs[name] = db
	}

	return p, p.dbs, nil
}"""
POOL_TO = """		p.dbs[name] = db
	}

	go p.jingzhunCheckpoints()

	return p, p.dbs, nil
}"""
URI_FILE = "internal/backends/sqlite/metadata/pool/uri.go"
URI_FROM = """	if !autoVacuum {
		values.Add("_pragma", "auto_vacuum(none)") // TODO https://github.com/FerretDB/FerretDB/issues/3612
	}
"""
URI_TO = URI_FROM + """
	// Jingzhun: no checkpoint inside a commit; the pool runs them (jingzhun_checkpoint.go).
	// A log that grew while readers held it is cut back to 64 MiB when it starts over.
	values.Add("_pragma", "wal_autocheckpoint(0)")
	values.Add("_pragma", "journal_size_limit(67108864)")
"""

# Part 7: SQL debug logging only when debug is on. fsql logs every statement at debug level
# through ``l.With(args…)``; slog's text handler formats the attributes in ``With`` itself,
# before the level is checked, so every statement quoted its arguments (whole documents as
# JSON) to throw them away: 13 % of the store's CPU under the registry's ingest.
DEBUG_LOG_FILES = {"internal/util/fsql/db.go": "db", "internal/util/fsql/tx.go": "tx"}


def _debug_log_sweeps():
    for relative, receiver in DEBUG_LOG_FILES.items():
        for arrow in (">>>", "<<<"):
            call = f'{receiver}.l.With(fields...).DebugContext(ctx, fmt.Sprintf("{arrow} %s", query))'
            yield (relative, f"\t{call}\n", f"\tif {receiver}.l.Enabled(ctx, slog.LevelDebug) {{\n\t\t{call}\n\t}}\n",
                   f"{relative}'s {arrow} debug lines", 3)

# Part 8: no leak tracking outside FerretDB's debug builds.
RESOURCE_FILE = "internal/util/resource/resource.go"
SKIP_TRACKING = "\n\tif !debugbuild.Enabled {\n\t\treturn // Jingzhun: leak tracking is for debug builds (patches.py, part 8)\n\t}\n"
TRACK_FROM = "func Track(obj any, token *Token) {\n\tcheckArgs(obj, token)\n"
UNTRACK_FROM = "func Untrack(obj any, token *Token) {\n\tcheckArgs(obj, token)\n"

# (file, FerretDB's text, ours, what it is): each applied once, in this order, to a fresh copy.
REPLACEMENTS = [
    (PUSHDOWN_FILE, PUSHDOWN_FROM, PUSHDOWN_TO, "the Query function's _id pushdown"),
    (PUSHDOWN_FILE, EXPLAIN_FROM, EXPLAIN_TO, "Explain's pushdown"),
    (PUSHDOWN_FILE, EXPLAIN_ORDER_FROM, EXPLAIN_ORDER_TO, "Explain's ORDER BY"),
    (PUSHDOWN_FILE, QUERY_FROM, QUERY_TO, "the Query function's WHERE and ORDER BY"),
    (PARAMS_FILE, PARAMS_FROM, PARAMS_TO, "QueryParams"),
    (PARAMS_FILE, EXPLAIN_PARAMS_FROM, EXPLAIN_PARAMS_TO, "ExplainParams"),
    (EXPLAIN_CMD_FILE, EXPLAIN_CMD_FROM, EXPLAIN_CMD_TO, "explain's backend call"),
    (FIND_FILE, FIND_FROM, FIND_TO, "find's query"),
    (COUNT_FILE, COUNT_FROM, COUNT_TO, "count's query"),
    (INDEX_FILE, INDEX_FROM, INDEX_TO, "index creation"),
    (ID_COLUMN_FILE, ID_COLUMN_FROM, ID_COLUMN_TO, "IDColumn"),
    (ADD_FILE, ADD_FROM, ADD_TO, "the sum of two int32s"),
    (UPDATE_FILE, UPDATE_CLOSE_FROM, UPDATE_CLOSE_TO, "update's per-statement close"),
    (POOL_FILE, POOL_FROM, POOL_TO, "the pool's start"),
    (URI_FILE, URI_FROM, URI_TO, "the connections' pragmas"),
    (RESOURCE_FILE, TRACK_FROM, TRACK_FROM + SKIP_TRACKING, "resource.Track"),
    (RESOURCE_FILE, UNTRACK_FROM, UNTRACK_FROM + SKIP_TRACKING, "resource.Untrack"),
]


def patch(module_dir: Path) -> None:
    for relative, anchor in ANCHORS.items():
        path = module_dir / relative
        text = path.read_text()
        if text.count(anchor) != 1:
            raise RuntimeError(f"cannot patch {relative}: the function to lock was not found (FerretDB changed?)")
        if LOCK not in text:
            path.write_text(text.replace(anchor, anchor + LOCK))
    for relative, old, new, what in REPLACEMENTS:
        path = module_dir / relative
        text = path.read_text()
        if text.count(old) != 1:
            raise RuntimeError(f"cannot patch {relative}: {what} was not found (FerretDB changed?)")
        path.write_text(text.replace(old, new))
    for relative, old, new, what, count in _debug_log_sweeps():
        path = module_dir / relative
        text = path.read_text()
        if text.count(old) != count:
            raise RuntimeError(f"cannot patch {relative}: {what} were not found {count} times (FerretDB changed?)")
        path.write_text(text.replace(old, new))
    for source in sorted(OVERLAY.rglob("*.go")):
        shutil.copyfile(source, module_dir / source.relative_to(OVERLAY))
