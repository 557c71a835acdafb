package main

import (
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"transferlab/backend/nn"
)

// The helpers the benchmark commands share: how a spread over rounds is printed, which
// GEMM ran, and the CPU profile.

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread prints ratios over rounds as "1.16x [1.10-1.20]": median [min-max].
func spread(x []float64) string {
	return fmt.Sprintf("%.2fx [%.2f-%.2f]", median(x), slices.Min(x), slices.Max(x))
}

// spreadRate prints rates over rounds as "8123 [7900-8300]": median [min-max].
func spreadRate(x []float64) string {
	return fmt.Sprintf("%.0f [%.0f-%.0f]", median(x), slices.Min(x), slices.Max(x))
}

func fmtList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(math.Round(x*100)/100, 'f', 2, 64)
	}
	return strings.Join(parts, ", ")
}

// gemmLine says which GEMM the ops run, since it alone decides most of the speed.
func gemmLine() string {
	what := map[string]string{
		"avx512":   "our own, AVX-512 kernels",
		"avx2":     "our own, AVX2+FMA kernels",
		"go":       "gonum's pure Go: this CPU has no AVX2+FMA, or a purego build",
		"openblas": "OpenBLAS, built with -tags openblas",
	}[nn.BLASName]
	return fmt.Sprintf("GEMM: %s (%s)", nn.BLASName, what)
}

// startCPUProfile writes a CPU profile to path until stop is called; an empty path
// profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
