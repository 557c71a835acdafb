// Package config holds every setting of the binary with its default in one place, filled
// from flags and TRANSFERLAB_* environment variables.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
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
	MaxCacheBytes  int64
	// Watchers and WatchersPerExperiment cap the open live views; Uploads caps the
	// uploads streaming at once (one client may hold half of them); WritesPerSecond is
	// each client's rate of changes.
	Watchers              int
	WatchersPerExperiment int
	Uploads               int
	WritesPerSecond       int
	Workers               int
	LogLevel              string
	// DatabaseURL puts the state and the job queue on PostgreSQL (postgres://...)
	// instead of the SQLite file in DataDir, so many processes can share them.
	DatabaseURL string
	// BlobURL puts uploads, dataset caches, checkpoints and trained weights on a shared
	// store (s3://bucket?endpoint=..., or file:///folder) that every process reads,
	// each keeping a verified copy in DataDir; empty keeps DataDir the only copy.
	BlobURL string
	// AllowedHosts are the public names the server is reached by, comma-separated;
	// IP addresses and localhost always work.
	AllowedHosts string
	// AccessToken is the older way to open the server beyond loopback: one secret every
	// request must carry, everyone who has it being the same single user. It keeps
	// working for servers started with it; accounts (Auth) replace it.
	AccessToken string
	// Auth makes people sign in, each seeing their own work and what others shared; it
	// is on whenever the server listens beyond loopback without an AccessToken.
	Auth bool
	// AdminName and AdminPassword (TRANSFERLAB_ADMIN_NAME, TRANSFERLAB_ADMIN_PASSWORD;
	// never flags, which other users of the machine can read) make the first account
	// when accounts are on and there is none yet.
	AdminName     string
	AdminPassword string
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
		MaxCacheBytes:  1 << 30,

		Watchers:              256,
		WatchersPerExperiment: 64,
		Uploads:               4,
		WritesPerSecond:       10,
		Workers:               defaultWorkers(),
		LogLevel:              "info",
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
	fs.Int64Var(&c.MaxCacheBytes, "max-cache-bytes", c.envInt64("MAX_CACHE_BYTES", c.MaxCacheBytes),
		"largest decoded image cache one dataset may make (images x channels x height x width), in bytes (TRANSFERLAB_MAX_CACHE_BYTES)")
	fs.IntVar(&c.Watchers, "max-watchers", int(c.envInt64("MAX_WATCHERS", int64(c.Watchers))),
		"live views open at once on the whole server (TRANSFERLAB_MAX_WATCHERS)")
	fs.IntVar(&c.WatchersPerExperiment, "max-watchers-per-experiment", int(c.envInt64("MAX_WATCHERS_PER_EXPERIMENT", int64(c.WatchersPerExperiment))),
		"live views open at once on one experiment (TRANSFERLAB_MAX_WATCHERS_PER_EXPERIMENT)")
	fs.IntVar(&c.Uploads, "max-uploads", int(c.envInt64("MAX_UPLOADS", int64(c.Uploads))),
		"dataset uploads received at once; one client may hold half of them (TRANSFERLAB_MAX_UPLOADS)")
	fs.IntVar(&c.WritesPerSecond, "writes-per-second", int(c.envInt64("WRITES_PER_SECOND", int64(c.WritesPerSecond))),
		"requests that change something, per client and second, after a burst of five seconds' worth (TRANSFERLAB_WRITES_PER_SECOND)")
	fs.IntVar(&c.Workers, "workers", int(c.envInt64("WORKERS", int64(c.Workers))),
		"experiments trained at once (TRANSFERLAB_WORKERS)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", c.DatabaseURL),
		"postgres://... to keep state and jobs on PostgreSQL, shared by web and worker processes; empty for the SQLite file in --data-dir (TRANSFERLAB_DATABASE_URL)")
	fs.StringVar(&c.BlobURL, "blob-url", env("BLOB_URL", c.BlobURL),
		"s3://bucket?endpoint=host:port (keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or file:///folder to share uploads, datasets, checkpoints and trained models between web and worker processes; empty keeps them in --data-dir only (TRANSFERLAB_BLOB_URL)")
	fs.BoolVar(&c.KeepCheckpoints, "keep-checkpoints", c.envBool("KEEP_CHECKPOINTS", c.KeepCheckpoints),
		"keep the checkpoints of finished runs in runs/ instead of removing them (TRANSFERLAB_KEEP_CHECKPOINTS)")
	fs.StringVar(&c.AllowedHosts, "allowed-hosts", env("ALLOWED_HOSTS", c.AllowedHosts),
		"comma-separated host names browsers reach the server by, besides IP addresses and localhost (TRANSFERLAB_ALLOWED_HOSTS)")
	fs.StringVar(&c.AccessToken, "access-token", env("ACCESS_TOKEN", c.AccessToken),
		"one shared token every request must carry, instead of accounts (TRANSFERLAB_ACCESS_TOKEN); prefer --auth")
	fs.BoolVar(&c.Auth, "auth", c.envBool("AUTH", c.Auth),
		"people sign in and see their own work and what others share; on whenever --addr is not a loopback address, unless --access-token is given (TRANSFERLAB_AUTH)")
	c.AdminName = env("ADMIN_NAME", "admin")
	c.AdminPassword = env("ADMIN_PASSWORD", "")
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
	if c.MaxCacheBytes <= 0 {
		return errors.New("max cache bytes must be a positive number of bytes")
	}
	if c.Watchers < 1 || c.WatchersPerExperiment < 1 || c.Uploads < 1 || c.WritesPerSecond < 1 {
		return errors.New("max watchers, max watchers per experiment, max uploads and writes per second must each be at least 1")
	}
	if err := c.checkDatabase(); err != nil {
		return err
	}
	if strings.TrimSpace(c.Addr) == "" {
		return errors.New("listen address is empty: give --addr host:port")
	}
	if err := c.checkAccess(); err != nil {
		return err
	}
	return c.Dirs().Prepare()
}

// minTokenLen keeps a token from being guessed over the network.
const minTokenLen = 16

// Hosts lists AllowedHosts, with the listen address's host name when it is a name.
func (c Config) Hosts() []string {
	var out []string
	for _, h := range strings.Split(c.AllowedHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	if host, _, err := net.SplitHostPort(c.Addr); err == nil && host != "" && net.ParseIP(host) == nil {
		out = append(out, host)
	}
	return out
}

// Loopback tells whether the listen address only takes connections from this machine.
func (c Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkAccess refuses to open the lab to a network without a token: anyone who can
// reach the port could otherwise train, delete and read everything.
func (c Config) checkAccess() error {
	for _, h := range strings.Split(c.AllowedHosts, ",") {
		h = strings.TrimSpace(h)
		if strings.ContainsAny(h, ":/ ") {
			return fmt.Errorf("allowed host %q: give bare host names like lab.example.org, without scheme or port", h)
		}
	}
	if c.AccessToken != "" && len(c.AccessToken) < minTokenLen {
		return fmt.Errorf("access token is %d characters; use at least %d random ones (for example `openssl rand -hex 16`)", len(c.AccessToken), minTokenLen)
	}
	if c.Auth && c.AccessToken != "" {
		return errors.New("--auth and --access-token both given: accounts (--auth) give each person a sign-in and personal API tokens and replace the one shared access token; drop --access-token")
	}
	return nil
}

// Accounts tells whether people sign in: asked for with --auth, or because the server
// listens beyond loopback with no access token. Anyone who can reach the port could
// otherwise train, delete and read everything.
func (c Config) Accounts() bool {
	return c.Auth || (!c.Loopback() && c.AccessToken == "")
}

func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %v", dir, errors.Unwrap(err))
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %v", dir, errors.Unwrap(err))
	}
	name := probe.Name()
	probe.Close()
	return os.Remove(name)
}
