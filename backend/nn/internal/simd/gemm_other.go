//go:build !amd64 || purego

package simd

// gemmPaths is empty: Sgemm uses gonum's pure-Go code.
var gemmPaths []*gemmPath
