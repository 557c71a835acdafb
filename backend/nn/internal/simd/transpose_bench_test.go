package simd

import "testing"

// BenchmarkTranspose transposes the cnn's fc1 weights (1568 x 128), as the dense
// layer's input gradient does once a step.
func BenchmarkTranspose(b *testing.B) {
	src := make([]float32, 1568*128)
	dst := make([]float32, 1568*128)
	for b.Loop() {
		Transpose(src, 128, 1568, 128, dst)
	}
	b.ReportMetric(float64(len(src))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
}
