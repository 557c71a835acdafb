package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tinyDataset uploads a small ready dataset and returns its id.
func (tg *target) tinyDataset(t testing.TB, name string) string {
	t.Helper()
	return tg.uploadDataset(t, name, classZip(t, 2, 6, 8, 8), nil)
}

// uploadDataset uploads file as a dataset (with optional form fields), fails the test
// unless it is imported, and returns the dataset's id.
func (tg *target) uploadDataset(t testing.TB, name string, file []byte, fields map[string]string) string {
	t.Helper()
	status, body := tg.upload(t, name, file, fields)
	if status != 201 {
		t.Fatalf("upload %s: %d %s", name, status, short(body))
	}
	var ds struct{ ID string }
	json.Unmarshal([]byte(body), &ds)
	return ds.ID
}

func experimentBody(datasetID string) string {
	return `{"dataset_id":"` + datasetID + `","arch":"mlp","arms":[{"strategy":"scratch"}],"hyper":{"epochs":1}}`
}

func (tg *target) experimentCount(t testing.TB) int {
	t.Helper()
	status, _, body := tg.do(t, "GET", "/api/experiments", nil, nil)
	if status != 200 {
		t.Fatalf("list experiments: %d %s", status, short(body))
	}
	var v struct{ Experiments []json.RawMessage }
	json.Unmarshal([]byte(body), &v)
	return len(v.Experiments)
}

// A DNS-rebinding page reaches the server under its own name; a cross-site page posts
// what a no-cors fetch or a text/plain form can send. None of it may read or change.
func TestAttackCrossSiteAndRebinding(t *testing.T) {
	tg := startTarget(t, "")
	ds := tg.tinyDataset(t, "cats.zip")
	body := experimentBody(ds)
	cases := []struct {
		name, method, path, body string
		headers                  map[string]string
		wantStatus               int
		wantCode                 string
	}{
		{"rebinding read", "GET", "/api/experiments", "", map[string]string{"Host": "evil.example:" + port(tg.addr)}, 421, "unknown_host"},
		{"rebinding write", "POST", "/api/experiments", body, map[string]string{"Host": "evil.example:" + port(tg.addr), "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}, 421, "unknown_host"},
		{"rebinding app page", "GET", "/", "", map[string]string{"Host": "evil.example"}, 421, "unknown_host"},
		{"no-cors fetch", "POST", "/api/experiments", body, map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403, "cross_origin"},
		{"text/plain form", "POST", "/api/experiments", body + "=", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, 403, "cross_origin"},
		{"old browser form, Origin only", "POST", "/api/experiments", body, map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}, 403, "cross_origin"},
		{"other port of this machine", "DELETE", "/api/datasets/" + ds, "", map[string]string{"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}, 403, "cross_origin"},
		{"script without a JSON type", "POST", "/api/experiments", body, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
	}
	for _, tc := range cases {
		status, h, got := tg.do(t, tc.method, tc.path, strings.NewReader(tc.body), tc.headers)
		if status != tc.wantStatus || errCode(got) != tc.wantCode {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, short(got), tc.wantStatus, tc.wantCode)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: security headers missing: %v", tc.name, h)
		}
	}
	if n := tg.experimentCount(t); n != 0 {
		t.Fatalf("the attacks made %d experiments", n)
	}
	if n := tg.datasetCount(t); n != 1 {
		t.Fatalf("the dataset is gone: %d left", n)
	}
	// The same request from the app itself works.
	if status, _, got := tg.do(t, "POST", "/api/experiments", strings.NewReader(body), map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": tg.base}); status != 201 {
		t.Fatalf("same-origin create: %d %s", status, short(got))
	}

	// A websocket from a foreign page, and from a rebinding one.
	var exp struct{ Experiments []struct{ ID string } }
	_, _, list := tg.do(t, "GET", "/api/experiments", nil, nil)
	json.Unmarshal([]byte(list), &exp)
	url := "ws://" + tg.addr + "/api/experiments/" + exp.Experiments[0].ID + "/live"
	for _, h := range []http.Header{
		{"Origin": {"http://evil.example"}},
		{"Origin": {"https://" + tg.addr}},
		{"Origin": {"http://evil.example:" + port(tg.addr)}, "Host": {"evil.example:" + port(tg.addr)}},
	} {
		conn, resp, err := websocket.DefaultDialer.Dial(url, h)
		if err == nil {
			conn.Close()
			t.Errorf("websocket from %v was accepted", h)
		} else if resp == nil || (resp.StatusCode != 403 && resp.StatusCode != 421) {
			t.Errorf("websocket from %v: %v", h, err)
		} else {
			// Refused in the one error shape, not a bare "Forbidden".
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if code := errCode(string(b)); code != "cross_origin" && code != "unknown_host" {
				t.Errorf("websocket from %v refused with %q", h, b)
			}
		}
	}
	conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {tg.base}})
	if err != nil {
		t.Fatalf("the app's own websocket: %v", err)
	}
	conn.Close()
}

// A server listening beyond loopback must not start open to the network: accounts are
// on there, and it refuses to start before anyone can sign in. The older shared access
// token keeps working for the servers started with it.
func TestAttackOpenNetworkNeedsAccountsOrAToken(t *testing.T) {
	bin, env := serverBinary()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "0.0.0.0:0", "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil || !strings.Contains(string(out), "transferlab user add") || !strings.Contains(string(out), "TRANSFERLAB_ADMIN_PASSWORD") {
		t.Fatalf("started listening on 0.0.0.0 with no account (%v):\n%s", err, short(string(out)))
	}
	tg := startTarget(t, "", "--access-token", "correct-horse-battery-staple")
	if status, _, body := tg.do(t, "GET", "/api/datasets", nil, nil); status != 401 || errCode(body) != "unauthorized" {
		t.Fatalf("no token: %d %s", status, short(body))
	}
	if status, _, _ := tg.do(t, "GET", "/api/datasets", nil, map[string]string{"Authorization": "Bearer correct-horse-battery-staple"}); status != 200 {
		t.Fatalf("with the token: %d", status)
	}
}

func port(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }
