package nn

import "testing"

// tinyMobileNet is a MobileNetV2 small enough for finite differences: the stride-2
// stem, a block without expansion but with a residual, a stride-2 block and a
// stride-1 block with a residual.
const tinyMobileNet = "mobilenet-tiny"

func init() {
	builders[tinyMobileNet] = builder{func(in Input, classes int) ([]Layer, error) {
		return mobileNetLayers(in, classes, 8, []invertedResidual{{1, 8, 1}, {2, 12, 2}, {2, 12, 1}})
	}}
}

// TestMobileNetV2Shapes checks the cut's layer count, its output (96 channels at 1/16
// of the input) and that strided layers follow Keras' padding at odd sizes too.
func TestMobileNetV2Shapes(t *testing.T) {
	ls, err := Layers(MobileNetV2B10, Input{3, 160, 160}, 5)
	if err != nil {
		t.Fatal(err)
	}
	enc := ls[len(ls)-2]
	if enc.Name != "block_10_project" || enc.Out != 96 || !enc.AvgPool || enc.InShape.Height != 10 {
		t.Errorf("last encoder layer %+v, want block_10_project 96 channels at 10x10", enc)
	}
	if len(ls) != 1+2+10*3+1 {
		t.Errorf("%d layers, want 34", len(ls))
	}
	if h := ls[len(ls)-1]; h.Name != HeadName || h.In != 96 || h.Out != 5 {
		t.Errorf("head %+v", h)
	}
	odd, err := Layers(MobileNetV2B10, Input{3, 99, 99}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s := odd[0].OutShape(); s.Height != 49 { // (99 + 0 + 1 - 3)/2 + 1
		t.Errorf("stem on 99 pixels gives %d rows, want 49", s.Height)
	}
	for _, bad := range []Input{{1, 160, 160}, {3, 64, 64}, {3, 300, 300}} {
		if _, err := Layers(MobileNetV2B10, bad, 2); err == nil {
			t.Errorf("input %s accepted", bad)
		}
	}
}
