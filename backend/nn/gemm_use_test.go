package nn

import "testing"

// TestUseGEMMSwitchesAndRestores checks the hook the training-step benchmarks use:
// a GEMM this build lacks changes nothing, and restore brings the default back.
func TestUseGEMMSwitchesAndRestores(t *testing.T) {
	def := BLASName
	if restore, ok := UseGEMM("cublas"); ok || BLASName != def {
		restore()
		t.Fatalf("UseGEMM(cublas) = %v, GEMM now %s: want false and %s kept", ok, BLASName, def)
	}
	a := []float32{1, 2, 3, 4} // 2x2
	b := []float32{5, 6, 7, 8} // 2x2
	want := []float32{19, 22, 43, 50}
	for _, name := range []string{"go", "avx2", "avx512", "openblas"} {
		restore, ok := UseGEMM(name)
		if !ok {
			t.Logf("no %s GEMM on this CPU or build", name)
			continue
		}
		if BLASName != name {
			t.Errorf("UseGEMM(%s): BLASName %s", name, BLASName)
		}
		c := make([]float32, 4)
		sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2)
		for i := range c {
			if c[i] != want[i] {
				t.Errorf("%s: A*B = %v, want %v", name, c, want)
				break
			}
		}
		restore()
		if BLASName != def {
			t.Fatalf("after restoring %s the GEMM is %s, want %s", name, BLASName, def)
		}
	}
}
