package main

import (
	"context"

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

// lockState keeps a second process off a SQLite data directory. PostgreSQL is made to
// be shared: web and worker processes meet there, each holding no lock of its own.
func lockState(cfg config.Config) (func(), error) {
	if cfg.Shared() {
		return func() {}, nil
	}
	return lockDataDir(cfg.Dirs().Lock())
}
