package server

import (
	"os/exec"
	"strings"
	"testing"
)

// The server speaks HTTP about experiments; how they train is the job queue's and the
// engine's business. Importing them would put Gorgonia behind every handler again.
func TestServerImportsNoTrainingInternals(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "transferlab/backend/server").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		switch {
		case pkg == "transferlab/backend/jobs", pkg == "transferlab/backend/train", pkg == "transferlab/backend/nn",
			strings.HasPrefix(pkg, "gorgonia.org/"), strings.HasPrefix(pkg, "github.com/riverqueue/"):
			t.Errorf("server depends on %s", pkg)
		}
	}
}
