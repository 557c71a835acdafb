package nn

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWeightFilesKeepBatchNorm: the shipped ImageNet backbone keeps the batch norm of
// each of its 33 folded layers; saving and loading keeps it exactly, a transferred
// model carries it (new head excepted), and a model without any saves none.
func TestWeightFilesKeepBatchNorm(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "models", "mobilenetv2-imagenet-b10.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasBatchNorm() || len(m.BatchNorm) != 33 {
		t.Fatalf("the ImageNet backbone keeps %d batch norms, want 33", len(m.BatchNorm))
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), b) {
		t.Fatal("saving the loaded backbone does not give the same bytes")
	}
	for name, bn := range m.BatchNorm {
		l, _ := m.Layer(name)
		if len(bn.Gamma) != l.Out || len(bn.Beta) != l.Out || len(bn.Scale) != l.Out || bn.Eps <= 0 {
			t.Fatalf("layer %s: batch norm of %d/%d/%d channels, eps %g; want %d channels", name, len(bn.Gamma), len(bn.Beta), len(bn.Scale), bn.Eps, l.Out)
		}
	}
	derived, _, err := NewFromBase(m, Input{Channels: 3, Height: 96, Width: 96}, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(derived.BatchNorm) != 33 || derived.BatchNorm[HeadName] != nil {
		t.Fatalf("a model made from the backbone keeps %d batch norms, want 33 and none on the head", len(derived.BatchNorm))
	}
	first := m.Layers[0].Name
	derived.BatchNorm[first].Scale[0] = 7
	if m.BatchNorm[first].Scale[0] == 7 {
		t.Fatal("the derived model shares its batch norm with the base: re-estimating it would change the base")
	}
	plain, err := New("cnn", Input{Channels: 1, Height: 28, Width: 28}, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := plain.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Load(buf.Bytes())
	if err != nil || back.HasBatchNorm() || bytes.Contains(buf.Bytes(), []byte("bn_")) {
		t.Fatalf("a model without batch norm: loaded %v, has batch norm %v", err, back != nil && back.HasBatchNorm())
	}
	if err := back.ReestimateBatchNorm(make([]float32, 2*28*28), 2, 2); err == nil {
		t.Fatal("re-estimating a model without batch norm did not fail")
	}
}
