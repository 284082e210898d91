"""Two patches to FerretDB 1.24, applied to a copy of its module before building.

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
   as in MongoDB); and ``jingzhunWhere`` pushes down equality, ``$in`` and ranges on
   strings, equality with a boolean (the relays' sweep for ``outbox_pending: true``), plus ``_id`` equality and ``$in`` on strings, ObjectIDs and integers (see its
   comment). It pushes only conditions the filter implies and admits rows whose field is
   an array, so SQLite returns a superset; the handler filters every row again, so results are unchanged (a test
   compares each filter with the same filter evaluated without pushdown). Measured on
   200,000 documents: a county's households by name prefix in 15 ms, by _id in 1–3 ms.
   Before it, ``make bench`` found the registry consumer spending ~85 ms of store CPU per
   event (a lookup by _id among 200 households took 18 ms; after, 0.005 ms).

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
EXPLAIN_TO = '\twhereClause, args = jingzhunWhere(params.Filter)\n\tfilterPushdown = whereClause != ""'

# FerretDB indexes a field as `_ferretdb_sjson->"field"`, but looks _id up with
# `->'$._id'`: SQLite matches index expressions by their form, so that lookup never used
# the _id index and scanned the table. `->'_id'` means the same and matches the index.
ID_COLUMN_FILE = "internal/backends/sqlite/metadata/metadata.go"
ID_COLUMN_FROM = """IDColumn = DefaultColumn + "->'$._id'\""""
ID_COLUMN_TO = """IDColumn = DefaultColumn + "->'_id'\""""

# Index a top-level field (but _id) by its SQL value (`->>`), not its JSON text (`->`):
# JSON text orders strings by their escaped form (a space sorts before the closing quote),
# the SQL value orders them by code point, as MongoDB does. See jingzhunWhere.
INDEX_FILE = "internal/backends/sqlite/metadata/registry.go"
INDEX_FROM = """			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))"""
INDEX_TO = """			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
			if len(fields) == 1 && key.Field != "_id" {
				columns[i] = fmt.Sprintf("%s->>%s", DefaultColumn, fields[0])
			}"""

PUSHDOWN_GO = r"""// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package sqlite

import (
	"math"
	"strconv"
	"strings"

	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// jingzhunWhere turns the conditions of a filter that SQLite can answer from an index into
// a WHERE clause. It pushes down only conditions the filter implies (a conjunction of
// them), so the rows returned are a superset of the matches; the handler filters them
// again. Pushed: _id compared with a string, ObjectID or integer by equality or $in (on
// its JSON text, as FerretDB indexes _id); other top-level fields equal to a boolean; other top-level fields compared with strings by
// equality, $in, $gt, $gte, $lt, $lte (on their SQL value `->>`, as our patched index
// creation indexes them: strings compare by code point, as in MongoDB). A field holding an
// array matches when one element does, so those conditions also admit every row whose
// field is an array (its `->>` is JSON text starting with '[').
func jingzhunWhere(filter *types.Document) (string, []any) {
	if filter == nil || filter.Len() == 0 {
		return "", nil
	}

	var conds []string
	var args []any

	keys, values := filter.Keys(), filter.Values()
	for i, key := range keys {
		if key == "" || strings.HasPrefix(key, "$") || strings.Contains(key, ".") {
			continue
		}

		if key == "_id" {
			cond, condArgs := jingzhunID(values[i])
			if cond != "" {
				conds = append(conds, cond)
				args = append(args, condArgs...)
			}
			continue
		}

		col := "_ferretdb_sjson->>'" + strings.ReplaceAll(key, "'", "''") + "'"
		array := col + " >= '[' AND " + col + " < '\\'"

		if s, ok := values[i].(string); ok {
			conds = append(conds, "("+col+" = ? OR "+array+")")
			args = append(args, s)
			continue
		}

		// A flag such as the outboxes' {outbox_pending: true}, which each relay sweeps for:
		// `->>` gives JSON true as 1 and false as 0 (and the number 1 as 1 too: a superset).
		if b, ok := values[i].(bool); ok {
			conds = append(conds, "("+col+" = ? OR "+array+")")
			args = append(args, map[bool]int64{false: 0, true: 1}[b])
			continue
		}

		ops, ok := values[i].(*types.Document)
		if !ok {
			continue
		}

		opKeys, opValues := ops.Keys(), ops.Values()
		for j, op := range opKeys {
			switch op {
			case "$in":
				strs, ok := jingzhunStrings(opValues[j])
				if !ok {
					continue
				}
				conds = append(conds, "("+col+" IN ("+jingzhunMarks(len(strs))+") OR "+array+")")
				args = append(args, strs...)

			case "$regex":
				// An anchored literal prefix ("^王" as re.escape writes it) is a range.
				pattern, ok := opValues[j].(string)
				if !ok || ops.Has("$options") {
					continue
				}
				lit, ok := jingzhunPrefix(pattern)
				if !ok {
					continue
				}
				conds = append(conds, "(("+col+" >= ? AND "+col+" < ?) OR "+array+")")
				args = append(args, lit, lit+"\U0010FFFF")

			case "$gt", "$gte", "$lt", "$lte":
				s, ok := opValues[j].(string)
				if !ok {
					continue
				}
				sign := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
				conds = append(conds, "("+col+" "+sign+" ? OR "+array+")")
				args = append(args, s)
			}
		}
	}

	if len(conds) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(conds, " AND "), args
}

// jingzhunID: _id equality or $in, on the JSON text FerretDB stores and indexes. Numbers
// are pushed down too (the audit log numbers its entries): MongoDB's {_id: 5} also matches
// 5 stored as a long or as the double 5.0, and sjson writes an integral double below 2^53
// with the same digits as the integer (Go's shortest form; -0.0 is stored as 0), so the
// text to look up is the digits. Beyond 2^53, or for a fraction, nothing is pushed and
// FerretDB scans as before.
func jingzhunID(v any) (string, []any) {
	var texts []any
	switch v := v.(type) {
	case *types.Document:
		if v.Len() != 1 {
			return "", nil
		}
		in, err := v.Get("$in")
		if err != nil {
			return "", nil
		}
		elems, ok := in.(*types.Array)
		if !ok || elems.Len() == 0 || elems.Len() > 1000 {
			return "", nil
		}
		for k := 0; k < elems.Len(); k++ {
			more, ok := jingzhunIDTexts(must.NotFail(elems.Get(k)))
			if !ok {
				return "", nil
			}
			texts = append(texts, more...)
		}
	default:
		var ok bool
		if texts, ok = jingzhunIDTexts(v); !ok {
			return "", nil
		}
	}

	return "_ferretdb_sjson->'_id' IN (" + jingzhunMarks(len(texts)) + ")", texts
}

// jingzhunIDTexts: every JSON text under which an _id equal to v can be stored.
func jingzhunIDTexts(v any) ([]any, bool) {
	const exact = 1 << 53 // integers a double holds exactly
	var n int64
	switch v := v.(type) {
	case string, types.ObjectID:
		return []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}, true
	case int32:
		n = int64(v)
	case int64:
		n = v
	case float64:
		if v != math.Trunc(v) || v >= exact || v <= -exact { // also NaN and the infinities
			return nil, false
		}
		n = int64(v)
	default:
		return nil, false
	}
	if n >= exact || n <= -exact {
		return nil, false
	}
	return []any{strconv.FormatInt(n, 10)}, true
}

// jingzhunStrings: the elements of a $in array when all are strings (at most 1000).
func jingzhunStrings(v any) ([]any, bool) {
	elems, ok := v.(*types.Array)
	if !ok || elems.Len() == 0 || elems.Len() > 1000 {
		return nil, false
	}
	out := make([]any, 0, elems.Len())
	for k := 0; k < elems.Len(); k++ {
		s, ok := must.NotFail(elems.Get(k)).(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// jingzhunPrefix: the literal text a regex must start with when it is "^" then literal
// characters (escaped or not), e.g. "^王建" or "^6212\\.0"; false when there is none.
func jingzhunPrefix(pattern string) (string, bool) {
	if !strings.HasPrefix(pattern, "^") {
		return "", false
	}
	runes := []rune(pattern[1:])
	var lit []rune
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r == '\\' {
			if i+1 >= len(runes) {
				break
			}
			next := runes[i+1]
			if (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') {
				break // a class such as \d or a back-reference
			}
			lit = append(lit, next)
			i++
			continue
		}
		if strings.ContainsRune(".^$*+?()[]{}|", r) {
			if strings.ContainsRune("*?{", r) && len(lit) > 0 {
				lit = lit[:len(lit)-1] // the quantifier may repeat the last character zero times
			}
			break
		}
		lit = append(lit, r)
	}
	if len(lit) == 0 {
		return "", false
	}
	return string(lit), true
}

func jingzhunMarks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
"""


def patch(module_dir: Path) -> None:
    for relative, anchor in ANCHORS.items():
        path = module_dir / relative
        text = path.read_text()
        if text.count(anchor) != 1:
            raise RuntimeError(f"cannot patch {relative}: the function to lock was not found (FerretDB changed?)")
        if LOCK not in text:
            path.write_text(text.replace(anchor, anchor + LOCK))
    (module_dir / "internal/handler/jingzhun_write_lock.go").write_text(LOCK_FILE)
    path = module_dir / PUSHDOWN_FILE
    text = path.read_text()
    if PUSHDOWN_TO not in text:
        if text.count(PUSHDOWN_FROM) < 1:
            raise RuntimeError(f"cannot patch {PUSHDOWN_FILE}: the _id pushdown was not found (FerretDB changed?)")
        path.write_text(text.replace(PUSHDOWN_FROM, PUSHDOWN_TO, 1))
    text = path.read_text()
    if EXPLAIN_TO not in text:
        if text.count(EXPLAIN_FROM) != 1:
            raise RuntimeError(f"cannot patch {PUSHDOWN_FILE}: Explain's pushdown was not found (FerretDB changed?)")
        path.write_text(text.replace(EXPLAIN_FROM, EXPLAIN_TO))
    (module_dir / "internal/backends/sqlite/jingzhun_pushdown.go").write_text(PUSHDOWN_GO)
    path = module_dir / INDEX_FILE
    text = path.read_text()
    if INDEX_TO not in text:
        if text.count(INDEX_FROM) != 1:
            raise RuntimeError(f"cannot patch {INDEX_FILE}: index creation was not found (FerretDB changed?)")
        path.write_text(text.replace(INDEX_FROM, INDEX_TO))
    path = module_dir / ID_COLUMN_FILE
    text = path.read_text()
    if ID_COLUMN_TO not in text:
        if ID_COLUMN_FROM not in text:
            raise RuntimeError(f"cannot patch {ID_COLUMN_FILE}: IDColumn was not found (FerretDB changed?)")
        path.write_text(text.replace(ID_COLUMN_FROM, ID_COLUMN_TO))
