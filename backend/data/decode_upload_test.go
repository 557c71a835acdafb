package data

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
)

func solidRed(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+3] = 0xff, 0xff
	}
	return img
}

func TestDecodeForModelKeepsExactPixelsAtModelSize(t *testing.T) {
	raw := greyPNG(t, 28, 28, 3)
	want, _ := png.Decode(bytes.NewReader(raw))
	x, err := DecodeForModel(bytes.NewReader(raw), 1, 28, 28, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != 28*28 {
		t.Fatalf("len %d, want 784", len(x))
	}
	for i, v := range x {
		if p := want.(*image.Gray).Pix[i]; v != float32(p)/255 {
			t.Fatalf("pixel %d = %v, want %v", i, v, float32(p)/255)
		}
	}
}

func TestDecodeForModelConvertsAndResizes(t *testing.T) {
	var gifBuf, bmpBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, solidRed(50, 40), nil); err != nil {
		t.Fatal(err)
	}
	if err := bmp.Encode(&bmpBuf, solidRed(17, 9)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		file     []byte
		channels int
		check    func(t *testing.T, x []float32)
	}{
		{"jpeg to rgb", colourJPEG(t, 40, 30, 1), 3, nil},
		{"gif to rgb", gifBuf.Bytes(), 3, func(t *testing.T, x []float32) {
			plane := len(x) / 3
			if x[0] < 0.99 || x[plane] > 0.01 || x[2*plane] > 0.01 {
				t.Fatalf("red came out as %v,%v,%v", x[0], x[plane], x[2*plane])
			}
		}},
		{"bmp to grey", bmpBuf.Bytes(), 1, func(t *testing.T, x []float32) {
			// Go's grey conversion weighs red by 0.299.
			if math.Abs(float64(x[0])-0.299) > 0.01 {
				t.Fatalf("grey of red = %v, want about 0.299", x[0])
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, err := DecodeForModel(bytes.NewReader(tc.file), tc.channels, 32, 32, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(x) != tc.channels*32*32 {
				t.Fatalf("len %d, want %d", len(x), tc.channels*32*32)
			}
			for i, v := range x {
				if v < 0 || v > 1 {
					t.Fatalf("value %d = %v, outside [0,1]", i, v)
				}
			}
			if tc.check != nil {
				tc.check(t, x)
			}
		})
	}
}

func TestDecodeForModelRefusals(t *testing.T) {
	// 16 pixels: fine by default, over a limit of 15.
	tiny := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	tiny.Set(0, 0, color.NRGBA{1, 2, 3, 255})
	var tinyPNG bytes.Buffer
	if err := png.Encode(&tinyPNG, tiny); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		file      []byte
		channels  int
		maxPixels int64
		code      ImportCode
	}{
		{"not an image", []byte("label,p0\n1,2\n"), 1, 0, CodeUnsupportedFormat},
		{"empty", nil, 1, 0, CodeUnsupportedFormat},
		{"damaged", greyPNG(t, 28, 28, 1)[:60], 1, 0, CodeUnsupportedFormat},
		{"decompression bomb", pngHeader(100_000, 100_000), 1, 0, CodeImageTooLarge},
		{"over a small limit", tinyPNG.Bytes(), 3, 15, CodeImageTooLarge},
		{"two channels", tinyPNG.Bytes(), 2, 0, CodeBadOptions},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeForModel(bytes.NewReader(tc.file), tc.channels, 28, 28, tc.maxPixels)
			ie, ok := IsImportError(err)
			if !ok || ie.Code != tc.code || !strings.Contains(ie.Message, " ") {
				t.Fatalf("err %v, want %s", err, tc.code)
			}
		})
	}
}
