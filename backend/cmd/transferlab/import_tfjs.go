package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"transferlab/backend/nn"
	"transferlab/backend/nn/tfjs"
)

// runImportTFJS converts the Keras MobileNetV2 that an npm package ships in TF.js
// layers format into a zoo backbone: <out>.safetensors and <out>.json.
func runImportTFJS(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import-tfjs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pkg := fs.String("package", "node_modules/nsfwjs", "folder of the npm package (installed by npm ci)")
	model := fs.String("model", "mobilenet_v2", "model folder under the package's dist/models")
	out := fs.String("out", "models/mobilenetv2-imagenet-b10", "output path without extension")
	size := fs.Int("size", 160, "input pixels a side the model is trained at (96-224; the weights work at any)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "import-tfjs:", err)
		return 1
	}
	var meta struct{ Name, Version, License string }
	b, err := os.ReadFile(filepath.Join(*pkg, "package.json"))
	if err != nil {
		return fail(fmt.Errorf("%w: install the package first (npm ci)", err))
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return fail(fmt.Errorf("%s/package.json: %w", *pkg, err))
	}
	files := []string{"dist/models/" + *model + "/model.min.js", "dist/models/" + *model + "/group1-shard1of1.min.js"}
	var srcs [][]byte
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(*pkg, f))
		if err != nil {
			return fail(err)
		}
		srcs = append(srcs, b)
	}
	a, err := tfjs.Read(srcs[0], srcs[1:]...)
	if err != nil {
		return fail(err)
	}
	in := nn.Input{Channels: 3, Height: *size, Width: *size}
	m, rep, err := tfjs.MobileNetV2(a, nn.MobileNetV2B10, in)
	if err != nil {
		return fail(err)
	}
	m.Source = "imagenet"
	card := nn.Card{ID: filepath.Base(*out), Name: "MobileNetV2 on ImageNet, cut after block 10", Architecture: m.Arch,
		Input: in, Classes: []string{}, Source: m.Source, Parameters: m.NumParams(),
		Format:  "safetensors F32, transferlab version " + nn.FormatVersion,
		Command: reproduce("import-tfjs", fs),
		Origin: &nn.Origin{
			Package: fmt.Sprintf("npm %s %s", meta.Name, meta.Version), License: meta.License, Files: files,
			Upstream: fmt.Sprintf("Keras %s MobileNetV2 (width 1.0, 224x224 RGB, ImageNet); its upstream training froze every layer up to and including block_10_project_BN while it retrained the upper blocks for its own task", a.Keras),
			Cut:      "the stem through block 10 (block_10_project_BN: 96 channels at 1/16 of the input size), then global average pooling; a head is added for each target dataset; the upper blocks are not used",
			Quantization: fmt.Sprintf("%s; %d of %d batch-norm channels have a moving variance stored as zero",
				a.Quantization, rep.ZeroVariances, rep.Channels),
			BatchNorm:     fmt.Sprintf("%d batch norms folded into the convolutions before them (epsilon from the topology); each one's gamma, beta, folded scale and epsilon are kept with the weights, so the statistics can be re-estimated on a target dataset (the bn_reestimate setting; off by default: on the colour example the stored statistics gave the better linear probe)", rep.Layers),
			Preprocessing: "images resized to the model's input (160 pixels by default; the weights work at 96-224), RGB scaled to [0,1], then mapped to [-1,1] inside the first layer (Keras' MobileNetV2 preprocessing); stride-2 layers pad one row and column after, as the saved model does",
		}}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fail(err)
	}
	if err := m.SaveFile(*out + ".safetensors"); err != nil {
		return fail(err)
	}
	if err := nn.WriteCard(*out+".json", card); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "imported %s from %s %s (%s): %d batch-norm channels of %d had a zero variance\nwrote %s.safetensors and %s.json\n",
		m, meta.Name, meta.Version, a.Quantization, rep.ZeroVariances, rep.Channels, *out, *out)
	return 0
}
