package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

type downPinger struct{}

func (downPinger) Ping(context.Context) error { return errors.New("down") }

func TestRoutes(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct {
		name, method, path string
		wantStatus         int
		wantContains       string
		wantErrCode        string
	}{
		{"health", "GET", "/api/health", 200, `"database":"ok"`, ""},
		{"unknown api route is JSON, not the app", "GET", "/api/nope", 404, "", "not_found"},
		{"api root is JSON", "GET", "/api", 404, "", "not_found"},
		{"wrong method", "DELETE", "/api/health", 405, "", "method_not_allowed"},
		{"app at root", "GET", "/", 200, "<title>app</title>", ""},
		{"deep link falls back to the app", "GET", "/experiments/exp_1", 200, "<title>app</title>", ""},
		{"asset", "GET", "/assets/app-abc.js", 200, "console.log", ""},
		{"missing asset is a 404, not the app", "GET", "/assets/gone.js", 404, "", "not_found"},
		{"post to a page path", "POST", "/datasets", 404, "", "not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := ts.do(t, tc.method, tc.path, "")
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", status, tc.wantStatus, body)
			}
			if tc.wantContains != "" && !strings.Contains(body, tc.wantContains) {
				t.Fatalf("body %q lacks %q", body, tc.wantContains)
			}
			if tc.wantErrCode != "" {
				if got := errorCode(t, body); got != tc.wantErrCode {
					t.Fatalf("error code %q, want %q", got, tc.wantErrCode)
				}
			}
		})
	}
}

func TestCachingHeaders(t *testing.T) {
	ts := newTestServer(t)
	_, h, _ := ts.do(t, "GET", "/assets/app-abc.js", "")
	if !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Fatalf("hashed asset Cache-Control = %q", h.Get("Cache-Control"))
	}
	_, h, _ = ts.do(t, "GET", "/", "")
	if h.Get("Cache-Control") != "no-cache" {
		t.Fatalf("index Cache-Control = %q", h.Get("Cache-Control"))
	}
}

func TestHealthReportsAQueueThatIsDown(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Queue = downPinger{} })
	status, _, body := ts.do(t, "GET", "/api/health", "")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"queue":"unavailable"`) {
		t.Fatalf("status %d body %s", status, body)
	}
}

func TestPanicBecomesJSON500WithoutInternals(t *testing.T) {
	r := New(Deps{DB: nil, Queue: okPinger{}, Frontend: nil})
	r.GET("/api/boom", func(*gin.Context) { panic("secret internal detail") })
	srv := &testServer{Server: httptest.NewServer(r)}
	defer srv.Close()
	status, _, body := srv.do(t, "GET", "/api/boom", "")
	if status != 500 || errorCode(t, body) != "internal" {
		t.Fatalf("status %d body %s", status, body)
	}
	if strings.Contains(body, "secret") {
		t.Fatalf("internal detail leaked to the client: %s", body)
	}
}
