package store

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"transferlab/backend/store/pgtest"
)

// dialectEnv picks the database every store test opens: SQLite unless it says
// postgres. TestStoreOnPostgreSQL runs the whole package again with it set, so each
// test here proves its behaviour on both databases.
const dialectEnv = "TRANSFERLAB_TEST_DIALECT"

// openers open an empty, migrated database of each dialect.
var openers = map[string]func(t *testing.T) (*DB, error){
	"sqlite": func(t *testing.T) (*DB, error) {
		return Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	},
	"postgres": func(t *testing.T) (*DB, error) {
		return OpenPostgres(context.Background(), pgtest.URL(t))
	},
}

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

func dialect() string {
	if os.Getenv(dialectEnv) == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

func TestStoreOnPostgreSQL(t *testing.T) {
	if dialect() == "postgres" {
		t.Skip("already the PostgreSQL run")
	}
	if !pgtest.Available() {
		t.Skip("PostgreSQL is not installed (apt-get install postgresql): the store is tested on SQLite only")
	}
	args := []string{"-test.run=^Test", "-test.skip=^TestStoreOnPostgreSQL$", "-test.count=1"}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), dialectEnv+"=postgres")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil || testing.Verbose() {
		t.Logf("store tests on PostgreSQL:\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("store tests on PostgreSQL failed: %v", err)
	}
}

func TestOpenPostgresAppliesMigrationsOnce(t *testing.T) {
	url := pgtest.URL(t)
	for i := 0; i < 2; i++ { // the second open must find nothing left to apply
		db, err := OpenPostgres(context.Background(), url)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		for _, table := range []string{"datasets", "models", "experiments", "runs", "metrics", "artifacts", "run_labels"} {
			var n int
			if err := db.sqlDB.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_name = $1", table).Scan(&n); err != nil || n != 1 {
				t.Fatalf("table %s missing: %d, %v", table, n, err)
			}
		}
		db.Close()
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://lab:s3cret@db:5432/lab": "postgres://lab:xxxxx@db:5432/lab",
		"postgres://lab@db/lab":             "postgres://lab@db/lab",
		"postgres:///lab?host=/tmp/x":       "postgres:///lab?host=/tmp/x",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
