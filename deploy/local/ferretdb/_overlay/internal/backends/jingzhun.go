// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package backends

import "errors"

// ErrJingzhunInexact: the backend cannot answer QueryParams.JingzhunPart 1 or 2 for this
// filter or order; the handler then reads every row the filter may match, as FerretDB does.
var ErrJingzhunInexact = errors.New("jingzhun: the filter cannot be answered exactly in SQL")
