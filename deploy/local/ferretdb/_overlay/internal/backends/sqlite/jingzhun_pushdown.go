// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package sqlite

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// jingzhunCond is one condition of a filter that SQLite can answer from an index.
type jingzhunCond struct {
	field string
	sql   string // holds for a row whose field is not an array, when the filter's condition does
	args  []any
	array string // the row's field is an array ("" for _id, which cannot be one)
	exact bool   // sql holds for such a row exactly when the filter's condition does
	equal bool   // sql holds only for one value of the field
}

// jingzhunConds turns the conditions of a filter that SQLite can answer from an index into
// SQL. Pushed: _id compared with a string, ObjectID or integer by equality or $in (on its
// JSON text, as FerretDB indexes _id); other top-level fields equal to a boolean; other
// top-level fields compared with strings by equality, $in, an anchored literal $regex,
// $gt, $gte, $lt, $lte (on their SQL value `->>`, as our patched index creation indexes
// them: strings compare by their UTF-8 bytes, i.e. by code point, as in MongoDB). A field
// holding an array matches when one element does, so each condition comes with the
// condition "the field is an array" (its `->>` is JSON text starting with '[').
//
// complete is true when every condition of the filter was pushed.
func jingzhunConds(filter *types.Document) (conds []jingzhunCond, complete bool) {
	complete = true
	keys, values := filter.Keys(), filter.Values()

	for i, key := range keys {
		if key == "" || strings.HasPrefix(key, "$") || strings.Contains(key, ".") {
			complete = false
			continue
		}

		if key == "_id" {
			// Pushed, but never exact: the JSON text of an ObjectID is that of a string.
			cond, condArgs := jingzhunID(values[i])
			if cond == "" {
				complete = false
				continue
			}
			conds = append(conds, jingzhunCond{field: key, sql: cond, args: condArgs})
			continue
		}

		col := "_ferretdb_sjson->>'" + strings.ReplaceAll(key, "'", "''") + "'"
		array := col + " >= '[' AND " + col + " < '\\'"
		add := func(sql string, exact bool, args ...any) {
			conds = append(conds, jingzhunCond{field: key, sql: sql, args: args, array: array, exact: exact})
		}

		switch v := values[i].(type) {
		case string:
			add(col+" = ?", jingzhunPlain(v), v)
			conds[len(conds)-1].equal = true
			continue

		case bool:
			// A flag such as the outboxes' {outbox_pending: true}, which each relay sweeps for:
			// `->>` gives JSON true as 1 and false as 0 (and the number 1 as 1 too: not exact).
			add(col+" = ?", false, map[bool]int64{false: 0, true: 1}[v])
			continue
		}

		ops, ok := values[i].(*types.Document)
		if !ok {
			complete = false
			continue
		}

		opKeys, opValues := ops.Keys(), ops.Values()
		for j, op := range opKeys {
			switch op {
			case "$in":
				strs, ok := jingzhunStrings(opValues[j])
				if !ok {
					complete = false
					continue
				}
				exact := true
				for _, s := range strs {
					exact = exact && jingzhunPlain(s.(string))
				}
				add(col+" IN ("+jingzhunMarks(len(strs))+")", exact, strs...)

			case "$regex":
				// An anchored literal prefix ("^王" as re.escape writes it) is a range of strings:
				// from the prefix up to the prefix with its last byte raised by one.
				pattern, ok := opValues[j].(string)
				if !ok || ops.Has("$options") {
					complete = false
					continue
				}
				lit, whole, ok := jingzhunPrefix(pattern)
				if !ok {
					complete = false
					continue
				}
				end := []byte(lit)
				end[len(end)-1]++ // never 0xFF in UTF-8, so no carry
				add("("+col+" >= ? AND "+col+" < ?)", whole && jingzhunPlain(lit), lit, string(end))
				if !whole {
					complete = false
				}

			case "$gt", "$gte", "$lt", "$lte":
				// Not exact: `->>` also gives an object's JSON text, and a number compares below text.
				s, ok := opValues[j].(string)
				if !ok {
					complete = false
					continue
				}
				sign := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
				add(col+" "+sign+" ?", false, s)

			default:
				complete = false
			}
		}
	}

	return conds, complete
}

// jingzhunPlain: a string compared with `->>` can match neither an object's nor an
// array's JSON text.
func jingzhunPlain(s string) bool {
	return !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[")
}

// jingzhunWhere: a WHERE clause for every row the filter may match (a superset: the handler
// filters the rows again).
func jingzhunWhere(filter *types.Document) (string, []any) {
	conds, _ := jingzhunConds(filter)
	if len(conds) == 0 {
		return "", nil
	}

	parts := make([]string, len(conds))
	var args []any
	for i, c := range conds {
		parts[i] = jingzhunOr(c)
		args = append(args, c.args...)
	}

	return " WHERE " + strings.Join(parts, " AND "), args
}

func jingzhunOr(c jingzhunCond) string {
	if c.array == "" {
		return c.sql
	}
	return "(" + c.sql + " OR " + c.array + ")"
}

// jingzhunSelect: the WHERE clause for the part of a filter's rows that params asks for.
//
// When every condition of the filter is pushed and exact, the rows the filter may match
// split in two. Part 1: the rows that surely match and hold no array in a filtered field
// nor in a field the order reads (its `->>` would start with '['); the handler can count
// them in SQL, or take the first n in SQL order. Part 2: the others (usually none), which
// the handler filters and sorts itself. Otherwise parts 1 and 2 are refused with
// backends.ErrJingzhunInexact and the handler reads every row the filter may match (part 0).
func jingzhunSelect(params *backends.QueryParams) (string, []any, error) {
	if params.JingzhunPart == 0 {
		if len(params.JingzhunOrder) > 0 || params.JingzhunCount {
			return "", nil, lazyerrors.New("Jingzhun's order and count need part 1")
		}
		where, args := jingzhunWhere(params.Filter)
		return where, args, nil
	}
	if params.JingzhunCount && (params.JingzhunPart != 1 || len(params.JingzhunOrder) > 0) {
		return "", nil, lazyerrors.New("Jingzhun's count is of part 1, unordered")
	}

	conds, complete := jingzhunConds(params.Filter)
	if !complete {
		return "", nil, backends.ErrJingzhunInexact
	}

	var arrays []string // a row in part 2 has one of these
	filtered := map[string]bool{}
	for _, c := range conds {
		if !c.exact {
			return "", nil, backends.ErrJingzhunInexact
		}
		arrays = append(arrays, c.array)
		filtered[c.field] = true
	}
	var orderArrays []string // exact conditions already keep arrays out of part 1
	for _, field := range params.JingzhunOrder {
		if field != "_id" && !filtered[field] {
			col := "_ferretdb_sjson->>'" + strings.ReplaceAll(field, "'", "''") + "'"
			orderArrays = append(orderArrays, col+" >= '[' AND "+col+" < '\\'")
		}
	}
	arrays = append(arrays, orderArrays...)

	var parts []string
	var args []any
	switch params.JingzhunPart {
	case 1:
		for _, c := range conds {
			parts = append(parts, c.sql)
			args = append(args, c.args...)
		}
		for _, a := range orderArrays {
			parts = append(parts, "NOT IFNULL("+a+", 0)") // a missing field is NULL: not an array
		}

	case 2:
		if len(arrays) == 0 {
			return " WHERE 0", nil, nil
		}
		if len(conds) > 6 {
			for _, c := range conds {
				parts = append(parts, jingzhunOr(c))
				args = append(args, c.args...)
			}
			parts = append(parts, "(("+strings.Join(arrays, ") OR (")+"))")
			break
		}
		// The same rows as a disjunction of conjunctions, each of which SQLite can answer from
		// an index (a county's names that are arrays: county_code = ? AND head_name >= '['…);
		// as a conjunction of disjunctions it reads every row.
		var terms []string
		for mask := 0; mask < 1<<len(conds); mask++ {
			var term []string
			var termArgs []any
			for i, c := range conds {
				if mask&(1<<i) != 0 {
					term = append(term, c.array)
				} else {
					term = append(term, c.sql)
					termArgs = append(termArgs, c.args...)
				}
			}
			if mask != 0 {
				terms = append(terms, "("+strings.Join(term, " AND ")+")")
				args = append(args, termArgs...)
				continue
			}
			for _, o := range orderArrays {
				terms = append(terms, "("+strings.Join(append(term[:len(term):len(term)], o), " AND ")+")")
				args = append(args, termArgs...)
			}
		}
		return " WHERE " + strings.Join(terms, " OR "), args, nil

	default:
		return "", nil, lazyerrors.Errorf("Jingzhun's part %d", params.JingzhunPart)
	}

	if len(parts) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(parts, " AND "), args, nil
}

// jingzhunOrderBy: ascending by each field's SQL value (strings by their UTF-8 bytes),
// leaving out the fields the filter holds to one value: SQLite reads an index on
// (county_code, head_name, _id) in its order for ORDER BY head_name, _id when the filter
// fixes county_code, but sorts every match when county_code is in the ORDER BY too.
func jingzhunOrderBy(params *backends.QueryParams) string {
	if params.JingzhunPart != 1 || len(params.JingzhunOrder) == 0 {
		return ""
	}
	conds, _ := jingzhunConds(params.Filter)
	fixed := map[string]bool{}
	for _, c := range conds {
		fixed[c.field] = fixed[c.field] || (c.equal && c.exact)
	}
	var cols []string
	for _, f := range params.JingzhunOrder {
		if !fixed[f] {
			cols = append(cols, "_ferretdb_sjson->>'"+strings.ReplaceAll(f, "'", "''")+"'")
		}
	}
	if len(cols) == 0 {
		return ""
	}
	return " ORDER BY " + strings.Join(cols, ", ")
}

// jingzhunCount: the number of rows, as one document {n: count}.
func jingzhunCount(ctx context.Context, db *fsql.DB, table, where string, args []any) (*backends.QueryResult, error) {
	var n int64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM %q`, table)+where, args...).Scan(&n); err != nil {
		return nil, lazyerrors.Error(err)
	}
	doc := must.NotFail(types.NewDocument("n", n))
	return &backends.QueryResult{Iter: iterator.Values(iterator.ForSlice([]*types.Document{doc}))}, nil
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
// characters (escaped or not), e.g. "^王建" or "^6212\\.0"; whole when the regex is
// nothing more (so it matches exactly the strings starting with that text); false when
// there is no such text.
func jingzhunPrefix(pattern string) (lit string, whole, ok bool) {
	if !strings.HasPrefix(pattern, "^") {
		return "", false, false
	}
	runes := []rune(pattern[1:])
	var out []rune
	whole = true
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r == '\\' {
			if i+1 >= len(runes) {
				whole = false
				break
			}
			next := runes[i+1]
			if (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') {
				whole = false
				break // a class such as \d or a back-reference
			}
			out = append(out, next)
			i++
			continue
		}
		if strings.ContainsRune(".^$*+?()[]{}|", r) {
			if strings.ContainsRune("*?{", r) && len(out) > 0 {
				out = out[:len(out)-1] // the quantifier may repeat the last character zero times
			}
			whole = false
			break
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return "", false, false
	}
	return string(out), whole, true
}

func jingzhunMarks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
