// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package handler

import (
	"context"
	"errors"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// jingzhunPageMax bounds skip + limit for a page taken in SQL order.
const jingzhunPageMax = 100_000

// jingzhunQuery runs a find's query. FerretDB reads, decodes and sorts every row the filter
// may match and only then skips and limits: a page of 50 among 30,000 matches decodes
// 30,000 documents. When the filter is answered exactly in SQL (see the SQLite backend's
// jingzhunSelect) and the sort is ascending on top-level fields, the first skip + limit
// rows are taken in that order by SQLite (through an index when there is one), plus any
// row with an array in a filtered or sorted field; the handler's own filter, sort, skip
// and limit then run on those as on every row, so the result is the same.
func (h *Handler) jingzhunQuery(ctx context.Context, c backends.Collection, params *common.FindParams,
	qp *backends.QueryParams, capped bool,
) (*backends.QueryResult, error) {
	if order, ok := jingzhunOrder(params); ok && !h.DisablePushdown && !capped && !params.Tailable {
		docs, ok, err := jingzhunPage(ctx, c, params, qp.Comment, order)
		if err != nil {
			return nil, err
		}
		if ok {
			return &backends.QueryResult{Iter: iterator.Values(iterator.ForSlice(docs))}, nil
		}
	}

	return c.Query(ctx, qp)
}

// jingzhunOrder: the sort's fields when it is ascending on top-level fields.
func jingzhunOrder(params *common.FindParams) ([]string, bool) {
	if params.Limit <= 0 || params.Skip < 0 || params.Skip+params.Limit > jingzhunPageMax || params.Sort.Len() == 0 {
		return nil, false
	}
	keys, values := params.Sort.Keys(), params.Sort.Values()
	for i, key := range keys {
		if key == "" || key[0] == '$' || strings.Contains(key, ".") {
			return nil, false
		}
		if v, ok := values[i].(int64); !ok || v != 1 {
			return nil, false
		}
	}
	return keys, true
}

// jingzhunPage: the first skip + limit rows that surely match, in SQL order, and every row
// with an array in a filtered or sorted field; false when SQL cannot give them (the caller then
// reads every row the filter may match).
func jingzhunPage(ctx context.Context, c backends.Collection, params *common.FindParams, comment string,
	order []string,
) ([]*types.Document, bool, error) {
	page, err := jingzhunRead(ctx, c, &backends.QueryParams{
		Filter: params.Filter, Comment: comment, JingzhunPart: 1, JingzhunOrder: order,
		Limit: params.Skip + params.Limit,
	})
	if errors.Is(err, backends.ErrJingzhunInexact) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}

	// SQL orders strings by their bytes, as MongoDB does, and null, numbers and missing
	// fields before strings, as MongoDB does; but an ObjectID, an object or binary data by
	// its text among strings, and a boolean or a date among numbers. A page whose order
	// fields all hold strings is MongoDB's: any row MongoDB puts before one of its rows,
	// SQL puts there too. (Arrays, which MongoDB orders by an element, are in part 2.)
	for _, doc := range page {
		for _, field := range order {
			if v, _ := doc.Get(field); !isString(v) {
				return nil, false, nil
			}
		}
	}

	rest, err := jingzhunRead(ctx, c, &backends.QueryParams{
		Filter: params.Filter, Comment: comment, JingzhunPart: 2, JingzhunOrder: order,
	})
	if err != nil {
		return nil, false, err
	}

	return append(page, rest...), true, nil
}

func jingzhunRead(ctx context.Context, c backends.Collection, qp *backends.QueryParams) ([]*types.Document, error) {
	res, err := c.Query(ctx, qp)
	if err != nil {
		return nil, err
	}
	docs, err := iterator.ConsumeValues(res.Iter)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}
	return docs, nil
}

// jingzhunCountRows: count's answer when the filter is answered exactly in SQL: the rows
// that surely match counted by SQLite (from an index when there is one, without reading
// the documents), plus the rows with an array in a filtered field that match.
func (h *Handler) jingzhunCountRows(ctx context.Context, c backends.Collection, params *common.CountParams) (int32, bool, error) {
	if h.DisablePushdown || params.Skip != 0 || params.Limit != 0 {
		return 0, false, nil
	}

	counted, err := jingzhunRead(ctx, c, &backends.QueryParams{Filter: params.Filter, JingzhunPart: 1, JingzhunCount: true})
	if errors.Is(err, backends.ErrJingzhunInexact) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}

	var n int64
	if len(counted) == 1 { // none when the database or the collection does not exist
		v, _ := counted[0].Get("n")
		n, _ = v.(int64)
	}

	rest, err := jingzhunRead(ctx, c, &backends.QueryParams{Filter: params.Filter, JingzhunPart: 2})
	if err != nil {
		return 0, false, err
	}
	for _, doc := range rest {
		matches, err := common.FilterDocument(doc, params.Filter)
		if err != nil {
			return 0, false, err
		}
		if matches {
			n++
		}
	}

	return int32(n), true, nil
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}
