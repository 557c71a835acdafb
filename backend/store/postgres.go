package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// IsPostgresURL tells whether a --database-url names a PostgreSQL database.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// OpenPostgres connects to the PostgreSQL database at url (postgres://...) and applies
// every pending migration: the same numbered files as SQLite's. Many processes may open
// the same database; goose takes a lock while it migrates.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	sqlDB, err := OpenPostgresPool(url)
	if err != nil {
		return nil, err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", Redact(url), err)
	}
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", Redact(url), err)
	}
	// Processes starting together (a web process and its workers) take turns migrating.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	if err := migrate(ctx, sqlDB, goose.DialectPostgres, goose.WithSessionLocker(locker)); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &DB{g: g, sqlDB: sqlDB}, nil
}

// OpenPostgresPool opens a database/sql pool on pgx for url. The job queue opens its
// own with it, so the store's transactions and River's share nothing but the server.
func OpenPostgresPool(url string) (*sql.DB, error) {
	sqlDB, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(url), err)
	}
	sqlDB.SetMaxOpenConns(16)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return sqlDB, nil
}

// Redact hides the password of a database URL, for messages and logs.
func Redact(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return url
	}
	creds := url[scheme+3 : at]
	if i := strings.Index(creds, ":"); i >= 0 {
		return url[:scheme+3] + creds[:i] + ":xxxxx" + url[at:]
	}
	return url
}

// isPostgresDiskFull recognises PostgreSQL's disk_full error.
func isPostgresDiskFull(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100"
}
