package data

import (
	"archive/zip"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"time"
)

// ShapeClasses are the classes of the example upload.
var ShapeClasses = []string{"circle", "cross", "square", "triangle"}

const shapeSize = 48

// WriteShapesZip writes the example upload: a zip of class folders shapes/<class>/ with
// perClass coloured PNGs of each shape at random positions, sizes and angles, plus the
// junk a Mac adds (__MACOSX/, .DS_Store) to show that the importer ignores it.
func WriteShapesZip(w io.Writer, perClass int, seed int64) error {
	zw := zip.NewWriter(w)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5a4e))
	// A fixed time keeps the zip byte-for-byte reproducible.
	mod := time.Date(2021, 3, 8, 0, 0, 0, 0, time.UTC)
	put := func(name string, body func(io.Writer) error) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		return body(f)
	}
	for _, class := range ShapeClasses {
		for i := 1; i <= perClass; i++ {
			img := drawShape(class, rng)
			if err := put(fmt.Sprintf("shapes/%s/%s_%03d.png", class, class, i), func(f io.Writer) error { return png.Encode(f, img) }); err != nil {
				return err
			}
		}
	}
	junk := []struct{ name, body string }{
		{"shapes/.DS_Store", "\x00\x00\x00\x01Bud1"},
		{"__MACOSX/shapes/circle/._circle_001.png", "\x00\x05\x16\x07 resource fork"},
		{"shapes/Thumbs.db", "junk"},
	}
	for _, j := range junk {
		if err := put(j.name, func(f io.Writer) error { _, err := io.WriteString(f, j.body); return err }); err != nil {
			return err
		}
	}
	return zw.Close()
}

// drawShape renders one shape with 4× supersampling for smooth edges.
func drawShape(class string, rng *rand.Rand) *image.NRGBA {
	bg := color.NRGBA{uint8(200 + rng.IntN(56)), uint8(200 + rng.IntN(56)), uint8(200 + rng.IntN(56)), 0xff}
	fg := color.NRGBA{uint8(rng.IntN(160)), uint8(rng.IntN(160)), uint8(rng.IntN(160)), 0xff}
	r := float64(shapeSize) * (0.18 + rng.Float64()*0.16)
	cx := r + 2 + rng.Float64()*(shapeSize-2*r-4)
	cy := r + 2 + rng.Float64()*(shapeSize-2*r-4)
	angle := rng.Float64() * 2 * math.Pi
	cos, sin := math.Cos(angle), math.Sin(angle)
	inside := func(x, y float64) bool {
		// Into the shape's own frame: centred, unrotated, unit radius.
		dx, dy := (x-cx)/r, (y-cy)/r
		u, v := dx*cos+dy*sin, -dx*sin+dy*cos
		switch class {
		case "circle":
			return u*u+v*v <= 1
		case "square":
			return math.Abs(u) <= 0.8 && math.Abs(v) <= 0.8
		case "cross":
			return (math.Abs(u) <= 1 && math.Abs(v) <= 0.28) || (math.Abs(v) <= 1 && math.Abs(u) <= 0.28)
		default: // triangle, equilateral, pointing along v
			return v >= -0.5 && math.Sqrt(3)*u <= 1-v && -math.Sqrt(3)*u <= 1-v
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, shapeSize, shapeSize))
	const ss = 4
	for y := 0; y < shapeSize; y++ {
		for x := 0; x < shapeSize; x++ {
			hits := 0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					if inside(float64(x)+(float64(sx)+0.5)/ss, float64(y)+(float64(sy)+0.5)/ss) {
						hits++
					}
				}
			}
			t := float64(hits) / ss / ss
			mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-t) + float64(b)*t)) }
			img.SetNRGBA(x, y, color.NRGBA{mix(bg.R, fg.R), mix(bg.G, fg.G), mix(bg.B, fg.B), 0xff})
		}
	}
	return img
}
