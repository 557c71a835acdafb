package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"transferlab/backend/blob"
	"transferlab/backend/config"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/backend/server"
	"transferlab/backend/store"
	"transferlab/frontend"
	"transferlab/models"
)

// A watcher that falls further behind than liveHistory events gets a fresh snapshot;
// liveBuffer events queue per watcher before it counts as behind.
const (
	liveHistory = 8192
	liveBuffer  = 512
)

func runServe(args []string, stdout, stderr io.Writer) int {
	return runProcess("serve", "Usage: transferlab serve [flags]\n\nStarts the web app, its API and its training workers on one SQLite file, or on a\nPostgreSQL database shared with worker processes (--database-url; --workers 0 trains nothing here).\nEvery flag can also be set with the TRANSFERLAB_* variable named beside it.\n\nFlags:",
		serve, args, stdout, stderr)
}

// runProcess parses a long-running subcommand's flags into the shared config and runs
// it until an interrupt or SIGTERM, answering with the exit code.
func runProcess(name, usage string, run func(context.Context, config.Config, io.Writer, io.Writer) error, args []string, stdout, stderr io.Writer) int {
	cfg := config.Defaults()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "transferlab %s: %v\n", name, err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) (*slog.Logger, error) {
	level, err := cfg.Level()
	if err != nil {
		return nil, err
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), nil
}

func serve(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Workers > 0 {
		jobs.ReserveIOProcessor()
	}
	logger, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	slog.SetDefault(logger)
	release, err := holdDataDir(cfg, logger)
	if err != nil {
		return err
	}
	defer release()

	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.SyncZoo(ctx, models.Zoo, store.ZooPrefix); err != nil {
		return fmt.Errorf("shipped model zoo: %w", err)
	}
	if cfg.ZooDir != "" {
		if _, err := db.SyncZoo(ctx, os.DirFS(cfg.ZooDir), store.ZooPrefix); err != nil {
			return fmt.Errorf("model zoo %s: %w", cfg.ZooDir, err)
		}
	}
	if _, err := db.SyncBuiltinDatasets(ctx); err != nil {
		return fmt.Errorf("built-in datasets: %w", err)
	}
	if cfg.Accounts() {
		if err := firstAccount(ctx, db, cfg, logger); err != nil {
			return err
		}
	}
	blobs, err := cfg.Blobs(ctx)
	if err != nil {
		return err
	}
	if ok, err := cfg.Dirs().KeepReserve(); !ok {
		logger.Warn("the disk is nearly full: no space is held back for deletes", "err", err)
	}
	hub := live.NewHub(liveHistory, liveBuffer)
	var publisher live.Publisher = hub
	hubID := store.NewID("hub")
	var relay *live.Relay
	if cfg.Shared() {
		// Arms train in worker processes too: every process's points go through the
		// database, and this one's viewers get them from there, numbered by the
		// database, so a seq stays good across web processes and their restarts.
		journal := live.NewJournal(db.LiveLog())
		defer journal.Close()
		publisher, hubID = journal, sharedHubID
		relay = startRelay(ctx, cfg, db, hub, logger)
	}
	runner := jobs.NewRunner(db, publisher, models.WithDir(cfg.ZooDir), cfg.Dirs(), jobs.StoreDatasets{DB: db, DataDir: cfg.Dirs(), Blobs: blobs, Limits: cfg.ImportLimits()}, cfg.Workers)
	runner.Blobs = blobs
	queue, err := openQueue(ctx, cfg, jobs.Config{
		TrainingWorkers: cfg.Workers,
		UploadsDir:      cfg.Dirs().Uploads(),
		DatasetsDir:     cfg.Dirs().Datasets(),
		BuiltinDir:      cfg.Dirs().Builtin(),
		Logger:          logger,
		Register:        runner.Register,
	})
	if err != nil {
		return err
	}
	runner.Queue = queue
	runner.KeepCheckpoints = cfg.KeepCheckpoints
	if queue.Shared() {
		// Running jobs may be other workers' own: the queue gives back only those of
		// processes that died, by their advisory locks (jobs/liveness.go).
	} else if n, err := queue.RequeueOrphans(ctx); err != nil {
		return err
	} else if n > 0 {
		logger.Info("resuming jobs interrupted by the last shutdown", "jobs", n)
	}
	if requeued, failed, err := queue.Reconcile(ctx, db); err != nil {
		logger.Warn("could not check unfinished runs against the job queue", "err", err)
	} else if requeued+failed > 0 {
		logger.Info("unfinished runs without a job", "resumed", requeued, "marked_failed", failed)
	}
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	if _, err := queue.Client.Insert(ctx, jobs.WarmBuiltinsArgs{}, nil); err != nil {
		logger.Warn("could not schedule building the built-in datasets", "err", err)
	}

	handler := server.New(server.Deps{
		Version:        version,
		DB:             db,
		Queue:          queue,
		Frontend:       frontend.Dist(),
		MaxUploadBytes: cfg.MaxUploadBytes,
		MaxCacheBytes:  cfg.MaxCacheBytes,
		Jobs:           runner,
		Predictor:      runner,
		Architectures:  runner,
		Scorer:         runner,
		Timer:          runner,
		Hub:            hub,
		HubID:          hubID,
		Relay:          relay,
		DataDir:        cfg.Dirs(),
		Blobs:          blobs,
		Limits: server.Limits{WritesPerSecond: float64(cfg.WritesPerSecond), WriteBurst: 5 * cfg.WritesPerSecond,
			Uploads: cfg.Uploads, WatchersPerExperiment: cfg.WatchersPerExperiment, Watchers: cfg.Watchers},
		Guard:    server.Guard{AllowedHosts: cfg.Hosts(), Token: cfg.AccessToken},
		Accounts: server.Accounts{On: cfg.Accounts()},
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stopQueue(queue, logger)
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// Bodies are held to their own deadlines by the router; these bound the rest.
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "Transfer Lab %s listening on http://%s (data in %s%s)\n", version, ln.Addr(), cfg.DataDir, sharedNote(blobs))
	if cfg.Accounts() {
		fmt.Fprintln(stdout, "Accounts are on: people sign in; add them with `transferlab user add`.")
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err = <-errc:
	case <-ctx.Done():
		logger.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Websockets are hijacked connections Shutdown does not wait for: closing the hub
	// ends each one with a going-away close first.
	hub.Close()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		logger.Warn("http shutdown", "err", serr)
	}
	stopQueue(queue, logger)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// sharedHubID names the one numbering of live events that every web process of a
// shared database serves.
const sharedHubID = "shared"

// startRelay relays the shared database's live events to this process's hub, waking
// at each notice the database sends while it holds a LISTEN connection.
func startRelay(ctx context.Context, cfg config.Config, db *store.DB, hub *live.Hub, logger *slog.Logger) *live.Relay {
	relay := live.NewRelay(ctx, hub, db.LiveLog())
	ready := make(chan struct{})
	go store.ListenLive(ctx, cfg.DatabaseURL, relayNotice(relay, logger), relay.NotifyAll, ready)
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		logger.Warn("live notices not heard yet: viewers get points every few seconds until they are")
	case <-ctx.Done():
	}
	return relay
}

// relayNotice hands the relay what a live notice says: the events themselves when
// they fitted in it, else which experiment to read.
func relayNotice(relay *live.Relay, logger *slog.Logger) func(string) {
	return func(payload string) {
		topic, _, evs, err := store.ParseLiveNotice(payload)
		switch {
		case err != nil:
			logger.Warn("live notice not understood", "err", err)
			relay.Notify(topic)
		case evs != nil:
			relay.Offer(topic, evs)
		default:
			relay.Notify(topic)
		}
	}
}

func stopQueue(q *jobs.Queue, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		logger.Warn("job queue shutdown", "err", err)
	}
}

// sharedNote names the shared store files go to, for the start line.
func sharedNote(m *blob.Mirror) string {
	if !m.Shared() {
		return ""
	}
	return ", shared through " + m.Store.String()
}
