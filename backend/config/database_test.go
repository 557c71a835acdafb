package config

import (
	"strings"
	"testing"
)

func TestDatabaseURLAndNoTrainingWorkers(t *testing.T) {
	cases := []struct {
		url     string
		workers int
		wantErr string
	}{
		{"", 1, ""},
		{"", 0, "needs --database-url"},
		{"postgres://lab@db/lab", 0, ""},
		{"postgresql://lab@db/lab", 2, ""},
		{"postgres://lab@db/lab", -1, "at least 1"},
		{"mysql://lab@db/lab", 1, "must start with postgres://"},
		{"lab.db", 1, "must start with postgres://"},
	}
	for _, tc := range cases {
		c := Defaults()
		c.DataDir = t.TempDir()
		c.DatabaseURL, c.Workers = tc.url, tc.workers
		err := c.Validate()
		if tc.wantErr == "" && err != nil {
			t.Errorf("%q with %d workers: %v", tc.url, tc.workers, err)
		}
		if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%q with %d workers: error %v, want one naming %q", tc.url, tc.workers, err, tc.wantErr)
		}
	}
}
