package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// send makes a request with the given headers and returns the status and body.
func (ts *testServer) send(t *testing.T, method, path, body string, headers map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestGuardRefusesForeignHostsAndCrossSiteWrites(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Guard = Guard{AllowedHosts: []string{"lab.example.org"}} })
	seedCatalog(t, ts.db)
	exp := `{"dataset_id":"ds_nope"}`
	json := map[string]string{"Content-Type": "application/json"}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{"Content-Type": "application/json"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	cases := []struct {
		name, method, path, body string
		headers                  map[string]string
		wantStatus               int
		wantCode                 string
	}{
		{"rebinding name reads nothing", "GET", "/api/experiments", "", map[string]string{"Host": "evil.example:8080"}, 421, "unknown_host"},
		{"rebinding name gets no app either", "GET", "/", "", map[string]string{"Host": "evil.example"}, 421, "unknown_host"},
		{"empty host", "GET", "/api/health", "", map[string]string{"Host": ""}, 200, ""}, // Go fills in the URL's host
		{"localhost", "GET", "/api/health", "", map[string]string{"Host": "localhost:1234"}, 200, ""},
		{"ipv6 loopback", "GET", "/api/health", "", map[string]string{"Host": "[::1]:1234"}, 200, ""},
		{"configured public name", "GET", "/api/health", "", map[string]string{"Host": "LAB.example.org."}, 200, ""},
		{"cross-site fetch", "POST", "/api/experiments", exp, with(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}), 403, "cross_origin"},
		{"same-site other port", "POST", "/api/experiments", exp, with(map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:9999"}), 403, "cross_origin"},
		{"old browser, foreign Origin", "POST", "/api/experiments", exp, with(map[string]string{"Origin": "http://evil.example"}), 403, "cross_origin"},
		{"cross-site delete", "DELETE", "/api/datasets/ds_1", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross_origin"},
		{"cross-site read is allowed, the browser hides the answer", "GET", "/api/health", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200, ""},
		{"same-origin write gets to the handler", "POST", "/api/experiments", exp, with(map[string]string{"Sec-Fetch-Site": "same-origin"}), 400, "unknown_dataset"},
		{"text/plain form body", "POST", "/api/experiments", exp, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
		{"no content type", "POST", "/api/experiments", exp, nil, 415, "unsupported_media_type"},
		{"json with charset", "POST", "/api/experiments", exp, map[string]string{"Content-Type": "application/json; charset=utf-8"}, 400, "unknown_dataset"},
		{"trailing garbage", "POST", "/api/experiments", exp + `{"x":1}`, json, 400, "bad_json"},
		{"trailing whitespace is fine", "POST", "/api/experiments", exp + " \n", json, 400, "unknown_dataset"},
		{"oversized body", "POST", "/api/experiments", `{"name":"` + strings.Repeat("a", maxJSONBytes) + `"}`, json, 413, "body_too_large"},
		{"oversized rename", "PATCH", "/api/datasets/ds_1", `{"name":"` + strings.Repeat("a", maxJSONBytes) + `"}`, json, 413, "body_too_large"},
		{"empty body", "POST", "/api/experiments", "", json, 400, "bad_json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := ts.send(t, tc.method, tc.path, tc.body, tc.headers)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", status, tc.wantStatus, body)
			}
			if tc.wantCode != "" {
				if got := errorCode(t, body); got != tc.wantCode {
					t.Fatalf("code %q, want %q (%s)", got, tc.wantCode, body)
				}
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Fatalf("security headers missing: %v", h)
			}
		})
	}
}

func TestGuardTokenOnEveryRequest(t *testing.T) {
	const token = "0123456789abcdef0123"
	ts := newTestServer(t, func(d *Deps) { d.Guard = Guard{Token: token} })
	if status, _, body := ts.send(t, "GET", "/api/health", "", nil); status != 401 || errorCode(t, body) != "unauthorized" {
		t.Fatalf("no token: %d %s", status, body)
	}
	if status, _, _ := ts.send(t, "GET", "/", "", nil); status != 401 {
		t.Fatalf("app without token: %d", status)
	}
	if status, _, _ := ts.send(t, "GET", "/api/health", "", map[string]string{"Authorization": "Bearer wrong"}); status != 401 {
		t.Fatalf("wrong token: %d", status)
	}
	if status, _, body := ts.send(t, "GET", "/api/health", "", map[string]string{"Authorization": "Bearer " + token}); status != 200 {
		t.Fatalf("right token: %d %s", status, body)
	}
	// A browser opens the app once with the token and keeps it as a cookie.
	status, h, _ := ts.send(t, "GET", "/experiments/x?access_token="+token+"&tab=2", "", nil)
	if status != http.StatusSeeOther || h.Get("Location") != "/experiments/x?tab=2" {
		t.Fatalf("token link: %d, Location %q", status, h.Get("Location"))
	}
	cookie := h.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("cookie %q", cookie)
	}
	if status, _, _ := ts.send(t, "GET", "/api/health", "", map[string]string{"Cookie": strings.Split(cookie, ";")[0]}); status != 200 {
		t.Fatalf("cookie: %d", status)
	}
	if status, _, _ := ts.send(t, "GET", "/api/health?access_token=wrong", "", nil); status != 401 {
		t.Fatalf("wrong token link: %d", status)
	}
}
