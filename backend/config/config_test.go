package config

import (
	"strings"
	"testing"
)

func TestAccountsOnBeyondLoopback(t *testing.T) {
	cases := []struct {
		addr, token, hosts string
		auth               bool
		wantErr            string
		wantAccounts       bool
	}{
		{"127.0.0.1:8080", "", "", false, "", false},
		{"localhost:8080", "", "", false, "", false},
		{"[::1]:8080", "", "", false, "", false},
		{"127.0.0.1:8080", "", "", true, "", true},
		{"0.0.0.0:8080", "", "", false, "", true},
		{":8080", "", "", false, "", true},
		{"192.168.1.5:8080", "", "", false, "", true},
		{"0.0.0.0:8080", "short", "", false, "at least 16", false},
		// A server started with the older shared token keeps working as it did.
		{"0.0.0.0:8080", "0123456789abcdef", "lab.example.org", false, "", false},
		{"0.0.0.0:8080", "0123456789abcdef", "", true, "drop --access-token", true},
		{"127.0.0.1:8080", "", "http://lab.example.org", false, "bare host names", false},
	}
	for _, tc := range cases {
		c := Defaults()
		c.DataDir = t.TempDir()
		c.Addr, c.AccessToken, c.AllowedHosts, c.Auth = tc.addr, tc.token, tc.hosts, tc.auth
		if got := c.Accounts(); tc.wantErr == "" && got != tc.wantAccounts {
			t.Errorf("%s token %q auth %v: accounts %v, want %v", tc.addr, tc.token, tc.auth, got, tc.wantAccounts)
		}
		err := c.Validate()
		if tc.wantErr == "" && err != nil {
			t.Errorf("%s: %v", tc.addr, err)
		}
		if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%s token %q hosts %q: error %v, want one naming %q", tc.addr, tc.token, tc.hosts, err, tc.wantErr)
		}
	}
	c := Defaults()
	c.Addr, c.AllowedHosts = "lab.local:8080", " a.example , b.example"
	if got := strings.Join(c.Hosts(), ","); got != "a.example,b.example,lab.local" {
		t.Fatalf("hosts %q", got)
	}
}
