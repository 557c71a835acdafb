package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"transferlab/backend/datadir"
	"transferlab/backend/store"
)

// testServer is the real router on a real SQLite file, served over real HTTP.
type testServer struct {
	*httptest.Server
	db *store.DB
}

type okPinger struct{}

func (okPinger) Ping(context.Context) error { return nil }

func newTestServer(t testing.TB, mutate ...func(*Deps)) *testServer {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{
		Version: "test",
		DataDir: datadir.New(t.TempDir()), // the health check writes there
		DB:      db,
		Queue:   okPinger{},
		Frontend: fstest.MapFS{
			"index.html":        {Data: []byte("<!doctype html><title>app</title>")},
			"assets/app-abc.js": {Data: []byte("console.log(1)")},
		},
		MaxUploadBytes: 1 << 20,
		// Table tests send many writes in a row; the tests of the limit set their own.
		Limits: Limits{WritesPerSecond: 1e6, WriteBurst: 1e6},
	}
	for _, m := range mutate {
		m(&d)
	}
	ts := &testServer{Server: httptest.NewServer(New(d)), db: db}
	t.Cleanup(func() { ts.Close(); db.Close() })
	return ts
}

// do sends a request and returns the status, headers and body.
func (ts *testServer) do(t *testing.T, method, path, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// errorCode decodes the common error shape and fails the test if body is not in it.
func errorCode(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body is not the error shape: %s", body)
	}
	return e.Error.Code
}
