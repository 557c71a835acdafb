package config

import (
	"errors"
	"strings"
)

// Shared tells whether the state lives on PostgreSQL, where other processes may be
// working the same queue.
func (c Config) Shared() bool { return c.DatabaseURL != "" }

// checkDatabase accepts a PostgreSQL URL or none, and no training workers only when a
// worker process elsewhere can train: with SQLite nothing else can.
func (c Config) checkDatabase() error {
	if u := c.DatabaseURL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return errors.New("database url must start with postgres:// (leave it empty for the SQLite file in --data-dir)")
	}
	if c.Workers < 0 || c.Workers == 0 && !c.Shared() {
		return errors.New("workers must be a whole number of at least 1 (0, a web process that trains nothing, needs --database-url postgres://...)")
	}
	return nil
}
