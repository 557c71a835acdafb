package config

import (
	"strings"
	"testing"
)

func TestAccessTokenRequiredBeyondLoopback(t *testing.T) {
	cases := []struct {
		addr, token, hosts, wantErr string
	}{
		{"127.0.0.1:8080", "", "", ""},
		{"localhost:8080", "", "", ""},
		{"[::1]:8080", "", "", ""},
		{"0.0.0.0:8080", "", "", "--access-token"},
		{":8080", "", "", "--access-token"},
		{"192.168.1.5:8080", "", "", "--access-token"},
		{"0.0.0.0:8080", "short", "", "at least 16"},
		{"0.0.0.0:8080", "0123456789abcdef", "lab.example.org", ""},
		{"127.0.0.1:8080", "", "http://lab.example.org", "bare host names"},
	}
	for _, tc := range cases {
		c := Defaults()
		c.DataDir = t.TempDir()
		c.Addr, c.AccessToken, c.AllowedHosts = tc.addr, tc.token, tc.hosts
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
