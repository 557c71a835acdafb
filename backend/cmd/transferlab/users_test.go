package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"transferlab/backend/store"
)

// runUserWith runs `transferlab user ...` with input on standard input.
func runUserWith(t *testing.T, input string, args ...string) (int, string, string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(input)
	defer func() { stdin = old }()
	var out, errb bytes.Buffer
	code := run(append([]string{"user"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserCommandAddsListsAndResetsAccounts(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runUserWith(t, "a long passphrase\n", "add", "--name", "Ada", "--admin", "--data-dir", dir); code != 0 || !strings.Contains(out, "added ada") {
		t.Fatalf("add: %d %s %s", code, out, errs)
	}
	for _, tc := range []struct {
		input   string
		args    []string
		wantErr string
	}{
		{"a long passphrase\n", []string{"add", "--name", "ADA", "--data-dir", dir}, "exists already"},
		{"short\n", []string{"add", "--name", "bob", "--data-dir", dir}, "too short"},
		{"", []string{"add", "--name", "bob", "--data-dir", dir}, "no password on standard input"},
		{"a long passphrase\n", []string{"add", "--name", "bob smith", "--data-dir", dir}, "letters, digits"},
		{"a long passphrase\n", []string{"passwd", "--name", "nobody", "--data-dir", dir}, "no account named"},
	} {
		code, _, errs := runUserWith(t, tc.input, tc.args...)
		if code != 1 || !strings.Contains(errs, tc.wantErr) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tc.args, code, errs, tc.wantErr)
		}
	}
	if code, out, _ := runUserWith(t, "", "list", "--data-dir", dir); code != 0 || !strings.HasPrefix(out, "ada\tadmin\t") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, out, errs := runUserWith(t, "another passphrase\n", "passwd", "--name", "ada", "--data-dir", dir); code != 0 || !strings.Contains(out, "signed out") {
		t.Fatalf("passwd: %d %s %s", code, out, errs)
	}
	if code, _, errs := runUserWith(t, "", "frobnicate"); code != 2 || !strings.Contains(errs, "Usage: transferlab user") {
		t.Fatalf("unknown subcommand: %d %s", code, errs)
	}
	db, err := store.Open(context.Background(), dir+"/transferlab.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByName(context.Background(), "ada")
	if err != nil || !u.Admin || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$") || strings.Contains(u.PasswordHash, "passphrase") {
		t.Fatalf("stored account %+v %v", u, err)
	}
}

// The first account can come from the environment at the first start, and the rows
// made before accounts then belong to it.
func TestServeMakesTheFirstAdminFromTheEnvironment(t *testing.T) {
	bin, env := serverBinary()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--auth", "--addr", "127.0.0.1:0", "--data-dir", dir)
	cmd.Env = append(os.Environ(), env...)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "no account yet") {
		t.Fatalf("--auth started with no account:\n%s", short(string(out)))
	}
	t.Setenv("TRANSFERLAB_ADMIN_NAME", "root")
	t.Setenv("TRANSFERLAB_ADMIN_PASSWORD", "a long passphrase")
	tg := startTarget(t, dir, "--auth")
	if status, _, body := tg.do(t, "GET", "/api/datasets", nil, nil); status != http.StatusUnauthorized || errCode(body) != "sign_in_required" {
		t.Fatalf("signed out: %d %s", status, short(body))
	}
	status, h, body := tg.do(t, "POST", "/api/auth/login", strings.NewReader(`{"name":"root","password":"a long passphrase"}`), asJSON)
	if status != http.StatusOK || !strings.Contains(h.Get("Set-Cookie"), "HttpOnly") {
		t.Fatalf("sign in: %d %s", status, short(body))
	}
	ck := strings.SplitN(h.Get("Set-Cookie"), ";", 2)[0]
	if status, _, body := tg.do(t, "GET", "/api/datasets", nil, map[string]string{"Cookie": ck}); status != http.StatusOK {
		t.Fatalf("signed in: %d %s", status, short(body))
	}
}
