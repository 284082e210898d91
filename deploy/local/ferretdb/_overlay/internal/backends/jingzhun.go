// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package backends

import (
	"errors"
	"sync"
)

// JingzhunWriteMu makes read-modify-write commands (update, findAndModify, delete) atomic
// with respect to each other (patches.py, part 1). It lives here, not in the handler, so
// that the SQLite pool can also hold it while it restarts a write-ahead log (part 6).
var JingzhunWriteMu sync.Mutex

// ErrJingzhunInexact: the backend cannot answer QueryParams.JingzhunPart 1 or 2 for this
// filter or order; the handler then reads every row the filter may match, as FerretDB does.
var ErrJingzhunInexact = errors.New("jingzhun: the filter cannot be answered exactly in SQL")
