package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestBenchRefusesBadFlags(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "torch_reference.py")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a --torch path that is not there", []string{"--torch", missing}, "bench: --torch " + missing + ": stat " + missing + ": no such file or directory; pass the path of torch_reference.py"},
		{"a --torch path that is a folder", []string{"--torch", t.TempDir(), "--arch", "mlp"}, ": not a file; pass the path of torch_reference.py"},
		{"no rounds", []string{"--rounds", "0"}, "bench: --rounds, --steps and --batch must be positive"},
		{"an unknown architecture", []string{"--arch", "resnet"}, `bench: unknown architecture "resnet" (known: cnn`},
		{"an unknown strategy", []string{"--strategies", "sideways"}, `bench: unknown strategy "sideways": want scratch`},
		{"an unwritable profile", []string{"--arch", "mlp", "--strategies", "scratch", "--steps", "1", "--cpuprofile", filepath.Join(missing, "cpu.prof")}, "bench: --cpuprofile: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"bench"}, tc.args...), &out, &errb)
			if code != 2 && tc.name != "an unwritable profile" || !strings.Contains(errb.String(), tc.want) || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
				t.Fatalf("exit %d, stderr %q: want one line holding %q", code, errb.String(), tc.want)
			}
		})
	}
}

// TestBenchPrintsTheGEMMAndAProfile runs a tiny measurement of ours alone.
func TestBenchPrintsTheGEMMAndAProfile(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	var out, errb bytes.Buffer
	code := run([]string{"bench", "--arch", "mlp", "--strategies", "scratch", "--steps", "2", "--rounds", "2", "--cpuprofile", prof}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		`(?m)^GEMM: (avx512|avx2|go|openblas) \(.+\)$`,
		`(?m)^round 2: mlp +scratch +train +batch 64: +[0-9]+ samples/s$`,
		`(?m)^mlp +scratch +train +batch 64, 2 round\(s\), median \[min-max\]: ours [0-9]+ \[[0-9]+-[0-9]+\] samples/s$`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Fatalf("output lacks %s:\n%s", want, out.String())
		}
	}
	if st, err := os.Stat(prof); err != nil || st.Size() == 0 {
		t.Fatalf("no CPU profile written: %v", err)
	}
}

// TestBenchComparesWithPyTorch runs one short round against the PyTorch reference,
// which lives outside the repository (TRANSFERLAB_TORCH_REFERENCE, or
// ../shared/reference/torch_reference.py from the repository root) and needs Debian's
// python3-torch.
func TestBenchComparesWithPyTorch(t *testing.T) {
	script := os.Getenv("TRANSFERLAB_TORCH_REFERENCE")
	if script == "" {
		script = filepath.Join("..", "..", "..", "..", "shared", "reference", "torch_reference.py")
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("no PyTorch reference script (%v); set TRANSFERLAB_TORCH_REFERENCE to torch_reference.py to run this", err)
	}
	if _, err := torchPython(); err != nil {
		t.Skipf("skipped: %v", err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"bench", "--arch", "mlp", "--strategies", "scratch", "--steps", "10", "--rounds", "1", "--torch", script}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		`(?m)^round 1: mlp +scratch +train +batch 64: +[0-9]+ samples/s; pytorch [0-9]+, ours/pytorch [0-9.]+x$`,
		`(?m)^mlp +scratch +train +batch 64, 1 round\(s\), median \[min-max\]: ours [0-9]+ \[[0-9]+-[0-9]+\] samples/s, pytorch [0-9]+ \[[0-9]+-[0-9]+\], ours/pytorch [0-9.]+x \[[0-9.]+-[0-9.]+\]$`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Fatalf("output lacks %s:\n%s", want, out.String())
		}
	}
}
