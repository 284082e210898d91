// Jingzhun: a connection of its own for the pool's checkpoints (patches.py, part 6).

package fsql

import (
	"context"
	"database/sql"
)

// JingzhunConn returns one connection of the database's pool, held until closed: a
// checkpoint sets its own busy timeout on it and restores the pool's before giving it back.
func (db *DB) JingzhunConn(ctx context.Context) (*sql.Conn, error) {
	return db.sqlDB.Conn(ctx)
}
