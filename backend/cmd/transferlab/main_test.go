package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transferlab/backend/config"
)

func TestCLI(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no args prints usage", nil, 0, "Commands:", ""},
		{"help lists serve", []string{"help"}, 0, "serve", ""},
		{"unknown command", []string{"nope"}, 2, "", `unknown command "nope"`},
		{"version", []string{"version"}, 0, version, ""},
		{"serve help explains flags", []string{"serve", "--help"}, 0, "", "TRANSFERLAB_DATA_DIR"},
		{"bad flag", []string{"serve", "--bogus"}, 2, "", "flag provided but not defined"},
		{"bench-demo names a wrong strategy", []string{"bench-demo", "--arms", "finetune,sideways"}, 2, "", `--arms: strategy "sideways" is not one of`},
		{"bench-demo needs two arms", []string{"bench-demo", "--arms", "finetune"}, 2, "", "--arms takes 2 to 8 strategies, not 1"},
		{"bench-demo names a wrong setting", []string{"bench-demo", "--hyper", `{"epochs":0}`}, 2, "", "bench-demo: --hyper: "},
		{"bad log level", []string{"serve", "--log-level", "loud", "--data-dir", t.TempDir()}, 1, "", "log level"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.wantCode, errb.String())
			}
			if !strings.Contains(out.String(), tc.wantStdout) || !strings.Contains(errb.String(), tc.wantStderr) {
				t.Fatalf("stdout %q stderr %q; want %q / %q", out.String(), errb.String(), tc.wantStdout, tc.wantStderr)
			}
		})
	}
}

func TestServeRefusesABadEnvironmentValue(t *testing.T) {
	t.Setenv("TRANSFERLAB_WORKERS", "many")
	var out, errb bytes.Buffer
	code := run([]string{"serve", "--data-dir", t.TempDir()}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), `TRANSFERLAB_WORKERS="many" is not a whole number`) {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

func TestServeRefusesUnwritableDataDir(t *testing.T) {
	// A path under a regular file cannot be created even by root, who writes anywhere else.
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"serve", "--data-dir", filepath.Join(file, "data")}, &out, &errb)
	msg := errb.String()
	if code != 1 || !strings.Contains(msg, filepath.Join(file, "data")) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q: want one line naming the path", code, msg)
	}
}

func TestSecondServerOnSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.Addr = freeAddr(t)
	cfg.LogLevel = "error"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out1 syncBuffer
	go func() { done <- serve(ctx, cfg, &out1, &bytes.Buffer{}) }()
	waitFor(t, func() bool { return strings.Contains(out1.String(), "listening") })

	var out, errb bytes.Buffer
	code := run([]string{"serve", "--data-dir", dir, "--addr", freeAddr(t)}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "already using this data directory") {
		t.Fatalf("second server: exit %d stderr %q", code, errb.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("first server stopped with %v", err)
	}
	// Once the first has stopped, the directory is free again.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cfg.Addr = freeAddr(t)
	var out2 syncBuffer
	go func() { done <- serve(ctx2, cfg, &out2, &bytes.Buffer{}) }()
	waitFor(t, func() bool { return strings.Contains(out2.String(), "listening") })
	cancel2()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
