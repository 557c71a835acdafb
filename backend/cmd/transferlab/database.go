package main

import (
	"context"
	"log/slog"
	"time"

	"transferlab/backend/config"
	"transferlab/backend/jobs"
	"transferlab/backend/store"
)

// openStore opens the state where cfg says: the SQLite file of the data directory, or
// the PostgreSQL database of --database-url.
func openStore(ctx context.Context, cfg config.Config) (*store.DB, error) {
	if cfg.Shared() {
		return store.OpenPostgres(ctx, cfg.DatabaseURL)
	}
	return store.Open(ctx, cfg.Dirs().DB())
}

// openQueue opens the job queue on the same database as openStore.
func openQueue(ctx context.Context, cfg config.Config, jc jobs.Config) (*jobs.Queue, error) {
	if cfg.Shared() {
		return jobs.OpenPostgres(ctx, cfg.DatabaseURL, jc)
	}
	return jobs.Open(ctx, cfg.Dirs().DB(), jc)
}

// holdDataDir keeps the data directory for this process until release: alone on a
// SQLite file (a second server stops with a message), shared among the web and worker
// processes of a PostgreSQL database, each of which holds it shared. A process that
// finds no other one on the directory sweeps first what a killed one left there:
// partial uploads and imports, whatever their age, as no request of a live process
// can be writing them.
func holdDataDir(cfg config.Config, logger *slog.Logger) (release func(), err error) {
	var alone bool
	if cfg.Shared() {
		release, alone, err = shareDataDir(cfg.Dirs().Lock(), func() { sweepDead(cfg, logger) })
	} else {
		release, err = lockDataDir(cfg.Dirs().Lock())
		alone = err == nil
		if alone {
			sweepDead(cfg, logger)
		}
	}
	if err == nil && !alone {
		logger.Debug("other processes use this data directory: their partial uploads are left to the periodic sweep")
	}
	return release, err
}

// sweepDead removes the partial uploads and imports of processes that are gone.
func sweepDead(cfg config.Config, logger *slog.Logger) {
	d := cfg.Dirs()
	if n, err := jobs.SweepLeftovers(d.Uploads(), []string{d.Datasets(), d.Builtin()}, 0, time.Now()); err != nil {
		logger.Warn("could not remove every partial upload or import", "err", err)
	} else if n > 0 {
		logger.Info("removed partial uploads and imports left by a killed process", "removed", n)
	}
}
