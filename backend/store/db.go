// Package store owns the database: opening it, migrating it and the GORM rows and
// queries of datasets, models, experiments, runs, metrics and artifacts.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"transferlab/migrations"
)

// ErrNotFound is returned by every lookup that finds no row.
var ErrNotFound = errors.New("not found")

// DB is the application's handle on the database. Its connections stay inside the
// package: every query the application makes is a method here.
type DB struct {
	g     *gorm.DB
	sqlDB *sql.DB
}

// DSN builds the SQLite connection string. busy_timeout comes first so every later
// pragma already waits instead of failing while another process holds the lock;
// immediate transactions take the write lock up front, which avoids the deadlock of two
// readers both upgrading to writers.
func DSN(path string) string {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the SQLite file at path and applies every pending
// migration.
func Open(ctx context.Context, path string) (*DB, error) {
	g, err := gorm.Open(sqlite.Open(DSN(path)), &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	// SQLite has one writer at a time; a small pool keeps readers concurrent under WAL
	// while busy_timeout queues the writers.
	sqlDB.SetMaxOpenConns(4)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := migrate(ctx, sqlDB, goose.DialectSQLite3); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &DB{g: g, sqlDB: sqlDB}, nil
}

// migrate applies the embedded migrations in order, each in its own transaction. The
// files are written to mean the same in SQLite and PostgreSQL.
func migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, opts ...goose.ProviderOption) error {
	p, err := goose.NewProvider(dialect, db, migrations.FS, opts...)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	for _, r := range res {
		slog.Debug("migration applied", "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.sqlDB.PingContext(ctx) }

// Close closes the pool.
func (d *DB) Close() error { return d.sqlDB.Close() }
