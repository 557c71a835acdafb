package tfjs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
	"transferlab/backend/nn"
)

// repoRoot is where node_modules lives, three folders above this package.
var repoRoot = filepath.Join("..", "..", "..")

// packageFiles reads nsfwjs's bundled MobileNetV2 from node_modules, or skips the test
// when npm has not installed it (make test runs npm ci first, so CI always has it).
func packageFiles(t testing.TB) (model, shard []byte) {
	t.Helper()
	dir := filepath.Join(repoRoot, "node_modules", "nsfwjs", "dist", "models", "mobilenet_v2")
	model, err1 := os.ReadFile(filepath.Join(dir, "model.min.js"))
	shard, err2 := os.ReadFile(filepath.Join(dir, "group1-shard1of1.min.js"))
	if err1 != nil || err2 != nil {
		t.Skip("node_modules lacks nsfwjs: run `npm ci` (make test does) to compare against the package's own runtime")
	}
	return model, shard
}

// referenceImages are real pictures from a Debian package (adwaita-icon-theme), not
// drawn by us: a camera, a keyboard, a folder and a video icon.
var referenceImages = []string{
	"devices/camera-web.png", "devices/input-keyboard.png", "places/folder-pictures.png", "mimetypes/video-x-generic.png",
}

// loadImages decodes the reference images, over white, resized to size, as NHWC
// floats in [0,1].
func loadImages(t *testing.T, size int) []float32 {
	t.Helper()
	out := make([]float32, 0, len(referenceImages)*size*size*3)
	for _, name := range referenceImages {
		path := filepath.Join("/usr/share/icons/Adwaita/512x512", name)
		f, err := os.Open(path)
		if err != nil {
			t.Fatalf("%v: install Debian's adwaita-icon-theme (make deps does)", err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		dst := image.NewRGBA(image.Rect(0, 0, size, size))
		draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Over, nil)
		for i := 0; i < size*size; i++ {
			for c := range 3 {
				out = append(out, float32(dst.Pix[4*i+c])/255)
			}
		}
	}
	return out
}

// TestActivationsMatchTFJS feeds real images through the package's own model in TF.js
// (CPU backend, in node) and through our conversion, both cut at block 10, and requires
// the activations to agree.
func TestActivationsMatchTFJS(t *testing.T) {
	modelJS, shardJS := packageFiles(t)
	if _, err := os.Stat(filepath.Join(repoRoot, "node_modules", "@tensorflow", "tfjs")); err != nil {
		t.Skip("node_modules lacks @tensorflow/tfjs: run `npm ci` (make test does) to compare against the package's own runtime")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	const size = 224 // the saved model's input size
	a, err := Read(modelJS, shardJS)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := MobileNetV2(a, nn.MobileNetV2B10, nn.Input{Channels: 3, Height: size, Width: size})
	if err != nil {
		t.Fatal(err)
	}
	m.Layers[len(m.Layers)-1].AvgPool = false // compare every pixel, not only the means
	n := len(referenceImages)
	x := loadImages(t, size)

	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.f32"), filepath.Join(dir, "out.f32")
	if err := os.WriteFile(in, floatBytes(x), 0o600); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "reference.mjs"))
	cmd := exec.Command(node, script, in, itoa(n), itoa(size), out)
	cmd.Dir = repoRoot // node resolves the packages from the repository's node_modules
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference: %v\n%s", err, stderrOf(err))
	}
	var info struct {
		Backend string `json:"backend"`
		TFJS    string `json:"tfjs"`
		Shape   []int  `json:"shape"`
	}
	if err := json.Unmarshal(lastLine(stdout), &info); err != nil {
		t.Fatalf("reference printed %q: %v", stdout, err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := bytesFloat(raw)

	gr, err := nn.NewGraph(m, nn.GraphOptions{Batch: n})
	if err != nil {
		t.Fatal(err)
	}
	defer gr.Close()
	copy(gr.Input(), x)
	if err := gr.Run(); err != nil {
		t.Fatal(err)
	}
	got := gr.Output()
	if len(got) != len(want) {
		t.Fatalf("our output has %d values, TF.js's %d (shape %v)", len(got), len(want), info.Shape)
	}
	// Relative to the activations' scale: a per-value ratio is meaningless where the
	// reference is near zero.
	var maxDiff, maxRef float64
	for i := range got {
		maxDiff = math.Max(maxDiff, math.Abs(float64(got[i]-want[i])))
		maxRef = math.Max(maxRef, math.Abs(float64(want[i])))
	}
	rel := maxDiff / maxRef
	t.Logf("TF.js %s (%s backend), %d images at %d px, %d activations: max |ours - tfjs| = %.3g, max |tfjs| = %.3g, max relative error %.3g",
		info.TFJS, info.Backend, n, size, len(got), maxDiff, maxRef, rel)
	if info.Backend != "cpu" {
		t.Errorf("reference ran on %q, want the cpu backend", info.Backend)
	}
	if rel > 1e-4 || math.IsNaN(rel) {
		t.Errorf("max relative error %.3g, want at most 1e-4", rel)
	}
}

func itoa(n int) string { return string(json.Number(fmtInt(n))) }

func fmtInt(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func stderrOf(err error) string {
	if e, ok := err.(*exec.ExitError); ok {
		return string(e.Stderr)
	}
	return ""
}

// lastLine is the last non-empty line of b: TF.js prints notices before ours.
func lastLine(b []byte) []byte {
	lines := splitLines(b)
	for i := len(lines) - 1; i >= 0; i-- {
		if len(lines[i]) > 0 && lines[i][0] == '{' {
			return lines[i]
		}
	}
	return nil
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range b {
		if c == '\n' {
			out = append(out, b[start:i])
			start = i + 1
		}
	}
	return append(out, b[start:])
}

func floatBytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func bytesFloat(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// TestShippedWeightsAreTheConversion checks that the zoo's weight file is exactly what
// `transferlab import-tfjs` makes from the package, so it can be reproduced.
func TestShippedWeightsAreTheConversion(t *testing.T) {
	modelJS, shardJS := packageFiles(t)
	a, err := Read(modelJS, shardJS)
	if err != nil {
		t.Fatal(err)
	}
	m, rep, err := MobileNetV2(a, nn.MobileNetV2B10, nn.Input{Channels: 3, Height: 160, Width: 160})
	if err != nil {
		t.Fatal(err)
	}
	m.Source = "imagenet"
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "models", "mobilenetv2-imagenet-b10.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), shipped) {
		t.Error("models/mobilenetv2-imagenet-b10.safetensors differs from a fresh conversion: run `transferlab import-tfjs`")
	}
	if rep.Layers != 33 || rep.ZeroVariances == 0 {
		t.Errorf("folded %d batch norms with %d zero variances; want 33 and the package's known zeros", rep.Layers, rep.ZeroVariances)
	}
}
