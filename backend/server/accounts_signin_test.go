package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestSignInSetsAGuardedSessionCookieThatSignOutRevokes(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	addUser(t, ts.db, "ada", false)
	for _, https := range []bool{false, true} {
		req, _ := http.NewRequest("POST", ts.URL+"/api/auth/login", strings.NewReader(`{"name":"Ada","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		if https {
			req.Header.Set("X-Forwarded-Proto", "https") // behind a TLS-terminating proxy
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sign in: %d", resp.StatusCode)
		}
		raw := resp.Header.Get("Set-Cookie")
		for _, want := range []string{sessionCookie + "=tls_", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="} {
			if !strings.Contains(raw, want) {
				t.Errorf("session cookie %q lacks %q", raw, want)
			}
		}
		if strings.Contains(raw, "Secure") != https {
			t.Errorf("https %v: cookie %q", https, raw)
		}
	}

	p := signIn(t, ts, "bea", false)
	status, _, body := p.do(t, "GET", "/api/auth/me", "")
	if status != http.StatusOK || !strings.Contains(body, `"name":"bea"`) || !strings.Contains(body, `"auth":true`) {
		t.Fatalf("me: %d %s", status, body)
	}
	if status, _, _ := p.do(t, "GET", "/api/datasets", ""); status != http.StatusOK {
		t.Fatalf("signed in, datasets answered %d", status)
	}
	status, h, _ := p.do(t, "POST", "/api/auth/logout", "")
	if status != http.StatusNoContent || !strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign out: %d %v", status, h)
	}
	// The server forgot the session: the old cookie, replayed, signs no one in.
	if status, _, body := p.do(t, "GET", "/api/datasets", ""); status != http.StatusUnauthorized || errorCode(t, body) != "sign_in_required" {
		t.Fatalf("after sign out: %d %s", status, body)
	}
	forged := &person{ts: ts, cookie: &http.Cookie{Name: sessionCookie, Value: "tls_madeup"}}
	if status, _, _ := forged.do(t, "GET", "/api/experiments", ""); status != http.StatusUnauthorized {
		t.Fatalf("a made-up session answered %d", status)
	}
}

func TestWithAccountsOnlyTheAppAndHealthAnswerStrangers(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/", http.StatusOK}, // the app itself, so the sign-in page shows
		{"GET", "/settings", http.StatusOK},
		{"GET", "/api/health", http.StatusOK},
		{"GET", "/api/auth/me", http.StatusOK},
		{"GET", "/api/openapi.json", http.StatusOK},
		{"GET", "/api/datasets", http.StatusUnauthorized},
		{"GET", "/api/experiments", http.StatusUnauthorized},
		{"GET", "/api/models", http.StatusUnauthorized},
		{"GET", "/api/tokens", http.StatusUnauthorized},
		{"GET", "/api/users", http.StatusUnauthorized},
		{"GET", "/metrics", http.StatusUnauthorized},
		{"GET", "/api/experiments/exp_x/live", http.StatusUnauthorized},
	} {
		status, _, body := ts.do(t, tc.method, tc.path, "")
		if status != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, status, body, tc.want)
		}
	}
	_, _, body := ts.do(t, "GET", "/api/auth/me", "")
	if body != `{"auth":true,"user":null}` {
		t.Errorf("me, signed out: %s", body)
	}
}

func TestWithoutAccountsNothingAsksToSignIn(t *testing.T) {
	ts := newTestServer(t)
	_, _, body := ts.do(t, "GET", "/api/auth/me", "")
	if body != `{"auth":false,"user":null}` {
		t.Errorf("me: %s", body)
	}
	for _, path := range []string{"/api/datasets", "/api/experiments", "/api/models"} {
		if status, _, _ := ts.do(t, "GET", path, ""); status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
		}
	}
	status, _, body := ts.do(t, "POST", "/api/auth/login", `{"name":"ada","password":"x"}`)
	if status != http.StatusConflict || errorCode(t, body) != "accounts_off" {
		t.Errorf("login without accounts: %d %s", status, body)
	}
}

func TestWrongPasswordsAreRefusedAlikeThenBraked(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	addUser(t, ts.db, "ada", false)
	// An unknown name and a wrong password get the same answer.
	_, _, unknown := ts.do(t, "POST", "/api/auth/login", `{"name":"nobody","password":"`+testPassword+`"}`)
	status, h, wrong := ts.do(t, "POST", "/api/auth/login", `{"name":"ada","password":"wrong password!"}`)
	if status != http.StatusUnauthorized || errorCode(t, wrong) != "wrong_password" || unknown != wrong {
		t.Fatalf("wrong password: %d %s; unknown name: %s", status, wrong, unknown)
	}
	if h.Get("Set-Cookie") != "" {
		t.Fatalf("a refused sign-in set a cookie: %v", h)
	}
	// The brake allows five failures from one address, then makes it wait, even for
	// the right password, so guessing costs time.
	for i := 0; i < 3; i++ {
		ts.do(t, "POST", "/api/auth/login", `{"name":"ada","password":"guess number `+string(rune('a'+i))+`"}`)
	}
	status, h, body := ts.do(t, "POST", "/api/auth/login", `{"name":"ada","password":"`+testPassword+`"}`)
	if status != http.StatusTooManyRequests || errorCode(t, body) != "too_many_tries" || h.Get("Retry-After") == "" {
		t.Fatalf("sixth try: %d %s %v", status, body, h)
	}
}

func TestPersonalTokensAreShownOnceAndStopWorkingWhenRevoked(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	ada := signIn(t, ts, "ada", false)
	bob := signIn(t, ts, "bob", false)
	status, _, body := ada.do(t, "POST", "/api/tokens", `{"name":"notebook"}`)
	if status != http.StatusCreated {
		t.Fatalf("create token: %d %s", status, body)
	}
	var made NewTokenView
	if err := json.Unmarshal([]byte(body), &made); err != nil || !strings.HasPrefix(made.Secret, "tlp_") || made.Token.Name != "notebook" {
		t.Fatalf("made token: %s", body)
	}
	client := &person{ts: ts, bearer: made.Secret}
	status, _, body = client.do(t, "GET", "/api/auth/me", "")
	if status != http.StatusOK || !strings.Contains(body, `"name":"ada"`) {
		t.Fatalf("me by token: %d %s", status, body)
	}
	_, _, list := ada.do(t, "GET", "/api/tokens", "")
	if !strings.Contains(list, made.Token.ID) || strings.Contains(list, made.Secret) || strings.Contains(list, "hash") {
		t.Fatalf("token list shows %s", list)
	}
	if stored, err := ts.db.APITokens(t.Context(), ada.id); err != nil || len(stored) != 1 || stored[0].TokenHash == made.Secret || strings.Contains(stored[0].TokenHash, made.Secret[4:]) {
		t.Fatalf("stored token: %+v %v", stored, err)
	}
	_, _, bobList := bob.do(t, "GET", "/api/tokens", "")
	if strings.Contains(bobList, made.Token.ID) {
		t.Fatalf("bob lists ada's token: %s", bobList)
	}
	if status, _, _ := bob.do(t, "DELETE", "/api/tokens/"+made.Token.ID, ""); status != http.StatusNotFound {
		t.Fatalf("bob revoked ada's token: %d", status)
	}
	if status, _, _ := ada.do(t, "DELETE", "/api/tokens/"+made.Token.ID, ""); status != http.StatusNoContent {
		t.Fatalf("revoke: %d", status)
	}
	status, _, body = client.do(t, "GET", "/api/datasets", "")
	if status != http.StatusUnauthorized || errorCode(t, body) != "invalid_token" {
		t.Fatalf("revoked token: %d %s", status, body)
	}
	// A session secret is no API token, and the reverse.
	if status, _, _ := (&person{ts: ts, bearer: ada.cookie.Value}).do(t, "GET", "/api/datasets", ""); status != http.StatusUnauthorized {
		t.Fatalf("a session secret worked as a token: %d", status)
	}
}

// A token's name is listed on the account page: it follows the rule for names.
func TestTokenNamesFollowTheNameRule(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	ada := signIn(t, ts, "ada", false)
	for _, c := range []struct{ name, says string }{
		{`""`, "The token name is empty"},
		{`"   "`, "The token name is empty"},
		{`"` + strings.Repeat("é", 101) + `"`, "is 101 characters long; keep it to 100"},
		{`"nul\u0000"`, "U+0000"},
		{`"bell\u0007"`, "U+0007"},
		{`"two\nlines"`, "U+000A"},
		{`"evil\u202Egnp"`, "U+202E"},
	} {
		status, _, body := ada.do(t, "POST", "/api/tokens", `{"name":`+c.name+`}`)
		if status != http.StatusBadRequest || errorCode(t, body) != "bad_name" || !strings.Contains(body, c.says) {
			t.Errorf("token name %.30s: %d %s", c.name, status, body)
		}
	}
	// 100 characters of any script are fine (the old check counted bytes).
	status, _, body := ada.do(t, "POST", "/api/tokens", `{"name":"`+strings.Repeat("é", 100)+`"}`)
	if status != http.StatusCreated {
		t.Fatalf("100 characters: %d %s", status, body)
	}
	if stored, err := ts.db.APITokens(t.Context(), ada.id); err != nil || len(stored) != 1 {
		t.Fatalf("stored tokens: %d %v", len(stored), err)
	}
}

func TestOnlyAdminsAddAccounts(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	root := signIn(t, ts, "root", true)
	bob := signIn(t, ts, "bob", false)
	if status, _, body := bob.do(t, "POST", "/api/users", `{"name":"eve","password":"long enough pw"}`); status != http.StatusForbidden || errorCode(t, body) != "admin_only" {
		t.Fatalf("bob adds an account: %d %s", status, body)
	}
	if status, _, body := root.do(t, "POST", "/api/users", `{"name":"eve","password":"short"}`); status != http.StatusBadRequest || errorCode(t, body) != "password_too_short" {
		t.Fatalf("short password: %d %s", status, body)
	}
	if status, _, body := root.do(t, "POST", "/api/users", `{"name":"Eve","password":"long enough pw"}`); status != http.StatusCreated || !strings.Contains(body, `"name":"eve"`) {
		t.Fatalf("add eve: %d %s", status, body)
	}
	if status, _, body := root.do(t, "POST", "/api/users", `{"name":"EVE","password":"long enough pw"}`); status != http.StatusConflict {
		t.Fatalf("second eve: %d %s", status, body)
	}
	status, _, body := ts.do(t, "POST", "/api/auth/login", `{"name":"eve","password":"long enough pw"}`)
	if status != http.StatusOK {
		t.Fatalf("eve signs in: %d %s", status, body)
	}
}
