package jobs

import (
	"testing"

	"transferlab/backend/nn"
	"transferlab/backend/train"
)

func TestReshapeGreyToRGBAndResize(t *testing.T) {
	// A 2x2 grey image with a bright left column.
	ds, err := train.NewSliceDataset(1, 2, 2, 2, []float32{1, 0, 1, 0}, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	if got := reshape(ds, nn.Input{Channels: 1, Height: 2, Width: 2}); got != train.Dataset(ds) {
		t.Fatal("a dataset already in the model's shape must pass through")
	}
	r := reshape(ds, nn.Input{Channels: 3, Height: 4, Width: 4})
	if c, h, w := r.Shape(); c != 3 || h != 4 || w != 4 {
		t.Fatalf("shape %d %d %d", c, h, w)
	}
	x := make([]float32, 3*16)
	y := make([]int, 1)
	r.Fill([]int{0}, x, y)
	if y[0] != 1 {
		t.Fatalf("label %d", y[0])
	}
	for c := 0; c < 3; c++ {
		p := x[c*16 : (c+1)*16]
		// Every channel is the grey plane; the left edge stays bright, the right dark.
		if p[0] != 1 || p[3] != 0 || p[1] <= p[2] {
			t.Fatalf("channel %d row 0 = %v", c, p[:4])
		}
	}
	back := make([]float32, 4)
	convertImage(x, 3, 4, 4, back, nn.Input{Channels: 1, Height: 2, Width: 2})
	if back[0] < 0.7 || back[1] > 0.3 {
		t.Fatalf("RGB back to grey 2x2: %v", back)
	}
}
