package train

import (
	"context"
	"testing"

	"transferlab/backend/nn"
)

// TestTransferabilityScoresFrozenFeatures scores the shipped digits-0-4 cnn on digits
// 5-9: its frozen features separate the new digits far above chance, the same seed gives
// the same score, and a base whose encoder carries nothing (every weight zero) scores
// at chance.
func TestTransferabilityScoresFrozenFeatures(t *testing.T) {
	base, err := nn.LoadFile("../../models/cnn-mnist04.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := mnist(t)
	target := tr.FilterClasses([]int{5, 6, 7, 8, 9}).Sample(600, 3)
	classes := []string{"5", "6", "7", "8", "9"}
	a, err := Transferability(context.Background(), base, target, classes, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Transferability(context.Background(), base, target, classes, 1)
	t.Logf("pretrained: %+v", a)
	if a.Score < 0.85 || a.Images != 600 || a.Features != 128 || a.Copied != 3 {
		t.Fatalf("pretrained score %+v: want above 0.85 on 600 images of 128 features, 3 layers copied", a)
	}
	if a.Score != b.Score || a.Lambda != b.Lambda {
		t.Fatalf("same seed, different scores: %+v vs %+v", a, b)
	}
	blank := base.Clone()
	for _, p := range blank.Params {
		clear(p.Data)
	}
	z, err := Transferability(context.Background(), blank, target, classes, 1)
	if err != nil {
		t.Fatal(err)
	}
	if z.Score > z.Chance+0.02 {
		t.Fatalf("an empty encoder scored %.3f, chance is %.3f", z.Score, z.Chance)
	}
}

// TestRidgeProbeSeparates checks the closed-form probe on features that hold the class
// outright, and on features that hold nothing.
func TestRidgeProbeSeparates(t *testing.T) {
	const n, d, k = 200, 6, 4
	x := make([]float64, n*d)
	noise := make([]float64, n*d)
	y := make([]int, n)
	for i := range n {
		y[i] = i % k
		x[i*d+y[i]] = 1
		x[i*d+4] = float64(i%7) / 7
		noise[i*d+(i*31)%d] = float64(i % 5)
	}
	if acc, _, err := ridgeCV(x, y, n, d, k, 1); err != nil || acc != 1 {
		t.Fatalf("separable features: accuracy %.3f, %v", acc, err)
	}
	if acc, _, err := ridgeCV(noise, y, n, d, k, 1); err != nil || acc > 0.45 {
		t.Fatalf("uninformative features: accuracy %.3f, %v", acc, err)
	}
}
