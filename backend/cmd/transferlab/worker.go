package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"transferlab/backend/config"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/models"
)

func runWorker(args []string, stdout, stderr io.Writer) int {
	return runProcess("worker", "Usage: transferlab worker --database-url postgres://... [flags]\n\nTrains the arms of experiments queued on a shared PostgreSQL database, and nothing else:\nno web app, no API. Start as many as there are machines; --workers is how many\nexperiments this one trains at once. Every flag can also be set with the\nTRANSFERLAB_* variable named beside it.\n\nFlags:",
		work, args, stdout, stderr)
}

// work trains until ctx ends. Its data directory holds what training reads and writes
// (dataset caches, checkpoints, trained models): the web process's own, a shared
// folder, or with --blob-url a local copy of the shared store's files.
func work(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	if !cfg.Shared() {
		return errors.New("a worker needs the database the web process uses: give --database-url postgres://...")
	}
	if cfg.Workers < 1 {
		return errors.New("a worker needs --workers of at least 1: it is the number of experiments it trains at once")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	jobs.ReserveIOProcessor()
	logger, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	release, err := holdDataDir(cfg, logger)
	if err != nil {
		return err
	}
	defer release()
	db, err := store.OpenPostgres(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	blobs, err := cfg.Blobs(ctx)
	if err != nil {
		return err
	}
	// Points go to the database, where every web process reads them for its viewers.
	journal := live.NewJournal(db.LiveLog())
	defer journal.Close()
	runner := jobs.NewRunner(db, journal, models.WithDir(cfg.ZooDir), cfg.Dirs(), jobs.StoreDatasets{DB: db, DataDir: cfg.Dirs(), Blobs: blobs, Limits: cfg.ImportLimits()}, cfg.Workers)
	runner.Blobs = blobs
	queue, err := jobs.OpenPostgres(ctx, cfg.DatabaseURL, jobs.Config{
		TrainingWorkers: cfg.Workers,
		TrainOnly:       true,
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
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	// The queue client names this worker in the runs it trains (runs.worker).
	fmt.Fprintf(stdout, "Transfer Lab %s worker training %d experiment(s) at once from %s (data in %s%s) as %s\n",
		version, cfg.Workers, store.Redact(cfg.DatabaseURL), cfg.DataDir, sharedNote(blobs), queue.Client.ID())
	<-ctx.Done()
	logger.Info("shutting down")
	stopQueue(queue, logger)
	return nil
}
