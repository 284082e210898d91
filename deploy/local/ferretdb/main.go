// Command ferretdb-local runs FerretDB (MongoDB wire protocol) with the SQLite
// backend for the local development stack. It is built and started by
// deploy/local/stack.py; see deploy/local/README.md.
//
// It embeds github.com/FerretDB/FerretDB/ferretdb instead of building
// FerretDB's cmd/ferretdb, which panics at start without its generated
// build/version/version.txt.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	dataDir := flag.String("data-dir", "", "directory for the SQLite databases (required)")
	logLevel := flag.String("log-level", "info", "log level: debug, info, warn, error")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb-local: -data-dir is required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-local: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		logger.Error("bad data dir", "error", err)
		os.Exit(1)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		logger.Error("cannot create data dir", "error", err)
		os.Exit(1)
	}

	// FerretDB wants a "file:" URI naming a directory, with a trailing slash.
	// synchronous(normal) with FerretDB's WAL journal: a commit survives any process
	// crash without an fsync per write (measured: 40 ms per update with the default
	// FULL on this disk); only a power cut can lose the last commits, acceptable for a
	// local stack (production runs MongoDB).
	sqliteURL := "file:" + strings.TrimSuffix(dir, "/") + "/?_pragma=synchronous(normal)"

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb-local starting", "listen", *listen, "sqlite", sqliteURL, "pid", os.Getpid())

	if err = f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped with error", "error", err)
		os.Exit(1)
	}

	logger.Info("ferretdb-local stopped")
}
