// Package config holds every setting of the binary with its default in one place, filled
// from flags and TRANSFERLAB_* environment variables.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"

	"transferlab/backend/datadir"
)

// Config is what `serve` and `worker` run with.
type Config struct {
	Addr           string
	DataDir        string
	ZooDir         string
	MaxUploadBytes int64
	Workers        int
	LogLevel       string
	// KeepCheckpoints keeps finished runs' checkpoints instead of removing them.
	KeepCheckpoints bool

	envErr error // a TRANSFERLAB_* variable that did not parse
}

// Defaults returns the embedded defaults: a local SQLite file, uploads/ and models/ in
// the working directory, one training job at a time on a 2-core machine.
func Defaults() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		DataDir:        ".",
		ZooDir:         "",
		MaxUploadBytes: 512 << 20,
		Workers:        defaultWorkers(),
		LogLevel:       "info",
	}
}

// Training saturates the cores it has, so more concurrent jobs than cores/2 only makes
// every run slower.
func defaultWorkers() int {
	if n := runtime.NumCPU() / 2; n > 1 {
		return n
	}
	return 1
}

// Register binds the settings to fs with environment variables taking the place of the
// defaults; flags given on the command line win over both.
func (c *Config) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("ADDR", c.Addr), "listen address (TRANSFERLAB_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", c.DataDir),
		"folder for the SQLite file, uploads/ and user models (TRANSFERLAB_DATA_DIR)")
	fs.StringVar(&c.ZooDir, "zoo-dir", env("ZOO_DIR", c.ZooDir),
		"folder of pretrained models to offer besides the embedded zoo (TRANSFERLAB_ZOO_DIR)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", c.envInt64("MAX_UPLOAD_BYTES", c.MaxUploadBytes),
		"largest dataset upload accepted, in bytes (TRANSFERLAB_MAX_UPLOAD_BYTES)")
	fs.IntVar(&c.Workers, "workers", int(c.envInt64("WORKERS", int64(c.Workers))),
		"experiments trained at once (TRANSFERLAB_WORKERS)")
	fs.BoolVar(&c.KeepCheckpoints, "keep-checkpoints", c.envBool("KEEP_CHECKPOINTS", c.KeepCheckpoints),
		"keep the checkpoints of finished runs in runs/ instead of removing them (TRANSFERLAB_KEEP_CHECKPOINTS)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", c.LogLevel),
		"debug, info, warn or error (TRANSFERLAB_LOG_LEVEL)")
}

func env(key, def string) string {
	if v, ok := os.LookupEnv("TRANSFERLAB_" + key); ok && v != "" {
		return v
	}
	return def
}

// envInt64 reads a whole-number variable; one that does not parse is remembered for
// Validate to report, and the default stands meanwhile.
func (c *Config) envInt64(key string, def int64) int64 {
	v := env(key, "")
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		c.envErr = fmt.Errorf("TRANSFERLAB_%s=%q is not a whole number", key, v)
		return def
	}
	return n
}

// envBool reads a yes/no variable (1, true, 0, false, ...); one that does not parse is
// remembered for Validate to report, and the default stands meanwhile.
func (c *Config) envBool(key string, def bool) bool {
	v := env(key, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.envErr = fmt.Errorf("TRANSFERLAB_%s=%q is not true or false", key, v)
		return def
	}
	return b
}

// Dirs is the layout of the data directory: every path in it comes from there.
func (c Config) Dirs() datadir.Layout { return datadir.New(c.DataDir) }

// Level parses LogLevel.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("log level %q: use debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// Validate checks every value and makes sure the data directories exist and can be
// written, so a bad setting stops the start with one line that names it.
func (c Config) Validate() error {
	if c.envErr != nil {
		return c.envErr
	}
	if _, err := c.Level(); err != nil {
		return err
	}
	if c.MaxUploadBytes <= 0 {
		return errors.New("max upload bytes must be a positive number of bytes")
	}
	if c.Workers < 1 {
		return errors.New("workers must be a whole number of at least 1")
	}
	if strings.TrimSpace(c.Addr) == "" {
		return errors.New("listen address is empty: give --addr host:port")
	}
	return c.Dirs().Prepare()
}
