//go:build amd64 && !purego

package simd

import "golang.org/x/sys/cpu"

//go:generate go run gemm_gen.go

// gemmPaths are the kernel sets this CPU can run, fastest first; the first is used.
// AVX-512 needs the OS to save the wide registers, which cpu.X86.HasAVX512F checks.
var gemmPaths = func() []*gemmPath {
	var ps []*gemmPath
	if cpu.X86.HasAVX512F {
		ps = append(ps, &gemmPath{name: "avx512", n: gemmNAVX512, t: gemmTAVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ps = append(ps, &gemmPath{name: "avx2", n: gemmNAVX2, t: gemmTAVX2})
	}
	return ps
}()

func init() {
	if len(gemmPaths) > 0 {
		gemmImpl = gemmPaths[0]
	}
}
