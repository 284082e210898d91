"""Three small patches to FerretDB 1.24, applied to a copy of its module before building.

1. Atomic single-document writes. FerretDB 1.x implements `update`, `findAndModify` and `delete` by querying the documents,
applying the change in Go and writing them back, with nothing held in between: two
concurrent `$inc`s on one document lose one of them (measured here: 3 writers × 300 `$inc`
kept 366 of 900). MongoDB applies each single-document update atomically, and Jingzhun
relies on that (outbox relay, consumer and web writers touch the same documents). One
process-wide mutex around those commands restores it; SQLite serialises writes anyway.

2. Look documents up by ``_id`` whenever the filter names one. The SQLite backend reads a
   single row only for a filter that is *exactly* ``{_id: …}``; ``{_id: x, version: 3}`` —
   every guarded update Jingzhun makes — scanned and decoded the whole collection (270 ms
   for 300 households, under the write lock). The handler filters the rows again anyway,
   so narrowing by ``_id`` first changes no result.

3. Make the ``_id`` lookup use the ``_id`` index. The SQLite backend indexes ``_id`` on the
   expression ``_ferretdb_sjson->"_id"`` but looks it up (query, update, delete) with
   ``_ferretdb_sjson->'$._id'``: the same value, another expression, so SQLite never used the
   index and every "by ``_id``" read or write scanned the whole table, its cost growing
   with the collection (``EXPLAIN QUERY PLAN``: ``SCAN`` before, ``SEARCH … USING INDEX``
   after; for 200 registry households 18 ms a lookup before, 0.005 ms after). Found by
   ``make bench``: the registry consumer spent ~85 ms of store CPU per event.

Used by stack.py: it copies the module from Go's module cache, calls ``patch(dir)`` and
builds against the copy (a ``replace`` in a go.mod kept in the cache, not in the repo)."""
from __future__ import annotations

from pathlib import Path

LOCK_FILE = '''// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package handler

import "sync"

// writeMu makes read-modify-write commands atomic with respect to each other.
var writeMu sync.Mutex
'''
LOCK = "\n\twriteMu.Lock()\n\tdefer writeMu.Unlock()\n"
ANCHORS = {
    "internal/handler/msg_update.go":
        "func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {",
    "internal/handler/msg_findandmodify.go":
        "func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {",
    "internal/handler/msg_delete.go":
        "func (h *Handler) execDelete(ctx context.Context, c backends.Collection, p *common.Delete) (int32, error) {",
}


ID_PUSHDOWN_FILE = "internal/backends/sqlite/collection.go"
ID_PUSHDOWN_FROM = """	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)"""
ID_PUSHDOWN_TO = ID_PUSHDOWN_FROM.replace("params.Filter.Len() == 1", "params.Filter.Len() >= 1")


ID_INDEX_FILE = "internal/backends/sqlite/metadata/metadata.go"
ID_INDEX_FROM = 'IDColumn = DefaultColumn + "->\'$._id\'"'
ID_INDEX_TO = 'IDColumn = DefaultColumn + "->\'_id\'"'


def patch(module_dir: Path) -> None:
    for relative, anchor in ANCHORS.items():
        path = module_dir / relative
        text = path.read_text()
        if text.count(anchor) != 1:
            raise RuntimeError(f"cannot patch {relative}: the function to lock was not found (FerretDB changed?)")
        if LOCK not in text:
            path.write_text(text.replace(anchor, anchor + LOCK))
    (module_dir / "internal/handler/jingzhun_write_lock.go").write_text(LOCK_FILE)
    path = module_dir / ID_PUSHDOWN_FILE
    text = path.read_text()
    if ID_PUSHDOWN_TO not in text:
        if ID_PUSHDOWN_FROM not in text:
            raise RuntimeError(f"cannot patch {ID_PUSHDOWN_FILE}: the _id pushdown was not found (FerretDB changed?)")
        path.write_text(text.replace(ID_PUSHDOWN_FROM, ID_PUSHDOWN_TO, 1))  # Query only, not Explain
    path = module_dir / ID_INDEX_FILE
    text = path.read_text()
    if ID_INDEX_TO not in text:
        if ID_INDEX_FROM not in text:
            raise RuntimeError(f"cannot patch {ID_INDEX_FILE}: the _id column expression was not found (FerretDB changed?)")
        path.write_text(text.replace(ID_INDEX_FROM, ID_INDEX_TO, 1))
