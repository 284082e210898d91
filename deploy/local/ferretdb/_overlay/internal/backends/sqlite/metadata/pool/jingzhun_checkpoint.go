// Jingzhun: SQLite's WAL checkpoints run beside the writes, not inside them (patches.py, part 6).

package pool

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
)

const (
	// How often the pool looks at its databases' write-ahead logs.
	jingzhunCheckpointEvery = 200 * time.Millisecond

	// A log this long is copied into its database without waiting for anyone (PASSIVE):
	// about SQLite's own default (1,000 pages of 4 KiB), which it ran inside the commit.
	jingzhunCheckpointAbove = 4 << 20

	// A log this long is copied while new writes wait (RESTART), so that the next write
	// starts it over: under steady writes a PASSIVE checkpoint never catches up with the
	// end of the log, and the log would grow for as long as the writes go on. The same
	// length as journal_size_limit in uri.go.
	jingzhunRestartAbove = 64 << 20

	// How long a RESTART waits for readers (an open cursor holds its snapshot) while new
	// writes wait for it, and how long before the next RESTART of the same database.
	jingzhunRestartWait    = 100 * time.Millisecond
	jingzhunRestartBackoff = 250 * time.Millisecond

	// The pool's own busy timeout (uri.go), restored on the connection afterwards.
	jingzhunPoolBusyTimeout = 10 * time.Second
)

type jingzhunLog struct {
	copied      os.FileInfo // the log as it was when last copied in full
	lastRestart time.Time
}

// jingzhunCheckpoints checkpoints, in the background, the databases of the pool whose
// write-ahead log has grown, until the pool is closed.
//
// Every connection is opened with wal_autocheckpoint(0) (see uri.go). With SQLite's
// default, the commit that finds the log past 1,000 pages runs the checkpoint itself;
// under steady writes that checkpoint does not catch up, so every later commit tries again,
// sorting the whole log each time, and the log grows anyway (to 176 MB in 15 s of bulk
// updates, measured). That took a third of the store's CPU: 0.73 ms a statement, 0.25 ms
// with the checkpoints here.
//
func (p *Pool) jingzhunCheckpoints() {
	ticker := time.NewTicker(jingzhunCheckpointEvery)
	defer ticker.Stop()

	logs := map[string]*jingzhunLog{}

	for range ticker.C {
		if !p.jingzhunCheckpointOnce(logs) {
			return
		}
	}
}

// jingzhunCheckpointOnce checkpoints the databases whose log is long; false once the pool
// is closed.
func (p *Pool) jingzhunCheckpointOnce(logs map[string]*jingzhunLog) bool {
	restart, open := p.jingzhunPassive(logs)
	if !open {
		return false
	}

	for _, name := range restart {
		p.jingzhunRestart(name, logs)
	}

	return true
}

// jingzhunPassive copies the long logs that do not need a RESTART, without waiting for
// anyone, and returns the databases whose log needs one. A log stays at its length after
// it was copied in full, until the next write starts it over: one unchanged since its last
// full copy is left alone. The pool's read lock is held throughout, so that no database is
// dropped (its files removed) during its checkpoint.
func (p *Pool) jingzhunPassive(logs map[string]*jingzhunLog) ([]string, bool) {
	p.rw.RLock()
	defer p.rw.RUnlock()

	if p.dbs == nil {
		return nil, false
	}

	for name := range logs {
		if p.dbs[name] == nil {
			delete(logs, name)
		}
	}

	var restart []string

	for name, db := range p.dbs {
		fi, err := os.Stat(p.databaseFile(name) + "-wal")
		if err != nil || fi.Size() < jingzhunCheckpointAbove {
			continue
		}

		state := logs[name]
		if state == nil {
			state = &jingzhunLog{}
			logs[name] = state
		}

		if c := state.copied; c != nil && c.Size() == fi.Size() && c.ModTime().Equal(fi.ModTime()) {
			continue
		}

		if fi.Size() >= jingzhunRestartAbove && time.Since(state.lastRestart) >= jingzhunRestartBackoff {
			restart = append(restart, name)
			continue
		}

		complete, err := jingzhunCheckpoint(db, "PASSIVE")
		p.jingzhunNote(name, state, fi, "PASSIVE", complete, err)
	}

	return restart, true
}

// jingzhunRestart copies a database's whole log while new writes wait, so that the next
// write starts the log over. An update holds a read of its document open while it writes
// it, so a RESTART (which holds off writers until no reader uses the log) would wait for
// that write and that write for it: it runs between read-modify-write commands, holding
// their lock. Locks are taken in the order commands take them (write lock, then the
// pool's).
func (p *Pool) jingzhunRestart(name string, logs map[string]*jingzhunLog) {
	backends.JingzhunWriteMu.Lock()
	defer backends.JingzhunWriteMu.Unlock()

	p.rw.RLock()
	defer p.rw.RUnlock()

	db, state := p.dbs[name], logs[name]
	if db == nil || state == nil {
		return
	}

	fi, err := os.Stat(p.databaseFile(name) + "-wal")
	if err != nil {
		return
	}

	state.lastRestart = time.Now()
	complete, err := jingzhunCheckpoint(db, "RESTART")
	p.jingzhunNote(name, state, fi, "RESTART", complete, err)
}

func (p *Pool) jingzhunNote(name string, state *jingzhunLog, fi os.FileInfo, mode string, complete bool, err error) {
	switch {
	case err != nil:
		p.l.Warn("WAL checkpoint failed", slog.String("name", name), slog.String("mode", mode),
			slog.String("error", err.Error()))
		state.copied = nil
	case complete:
		state.copied = fi
	default:
		state.copied = nil
	}
}

// jingzhunCheckpoint runs one checkpoint on a connection of its own; true if it copied the
// whole log.
func jingzhunCheckpoint(db *fsql.DB, mode string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	conn, err := db.JingzhunConn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()

	if mode != "PASSIVE" {
		// New writes wait while a RESTART waits for readers: not for long.
		if _, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", jingzhunRestartWait.Milliseconds())); err != nil {
			return false, err
		}

		defer conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", jingzhunPoolBusyTimeout.Milliseconds())) //nolint:errcheck // best effort
	}

	var busy, frames, copied int
	if err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied); err != nil {
		return false, err
	}

	return busy == 0 && frames == copied, nil
}
