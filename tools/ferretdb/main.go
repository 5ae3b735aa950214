// Command ferretdb runs FerretDB v1 embedded, with the SQLite backend, on a loopback TCP port.
//
// Why this exists: `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
// panics at start (missing build/version/version.txt, upstream issue 2982). Embedding the `ferretdb`
// package avoids the version file and gives the tests and the local stack a real MongoDB wire server
// without Docker or a downloaded mongod.
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
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	dir := flag.String("dir", "", "directory for the SQLite files (created if missing; required)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	// SQLite's default in WAL mode is FULL: an fsync per commit. NORMAL syncs at checkpoints only: a
	// committed write survives a crash of this process (it is in the WAL, in the OS), not a power cut
	// or kernel crash, which can lose the last commits. For a local benchmark that is the right trade:
	// measured here, a bare insert handler went from 867 to 1,256 writes/s and its worst latency from
	// 1.5 s to 0.17 s. --synchronous full restores SQLite's default.
	synchronous := flag.String("synchronous", "normal", "SQLite synchronous setting: normal or full")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: ferretdb --dir DIR [--listen 127.0.0.1:PORT] [--log-level warn]\n\n"+
			"Runs a MongoDB wire-protocol server (FerretDB v1, SQLite backend) until SIGINT or SIGTERM.\n"+
			"Prints one line 'ready mongodb://HOST:PORT/' on stdout once it accepts connections.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: --dir is required (a folder for the SQLite database files)")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --dir %q: %v\n", *dir, err)
		os.Exit(2)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create --dir %q: %v\n", abs, err)
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if *synchronous != "normal" && *synchronous != "full" {
		fmt.Fprintf(os.Stderr, "ferretdb: --synchronous must be normal or full, got %q\n", *synchronous)
		os.Exit(2)
	}

	// The SQLite handler wants a URI for an existing directory, with a trailing slash; pragmas go in
	// its query, applied to every connection the driver opens.
	sqliteURL := "file:" + strings.TrimSuffix(abs, "/") + "/?_pragma=synchronous(" + *synchronous + ")"

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot start on %s: %v\n", *listen, err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI blocks until the listener is bound, so printing it means "ready".
	fmt.Printf("ready %s\n", f.MongoDBURI())

	if err := <-done; err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
