// Package tfjs reads a Keras model saved in TF.js layers format (as bundled JavaScript
// modules, the way npm packages ship them) and converts MobileNetV2 into our weights.
package tfjs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
)

// Artifacts are a TF.js layers model: its Keras topology and its weights, dequantized.
type Artifacts struct {
	Layers  map[string]KerasLayer
	Weights map[string]Tensor
	// Quantization says how the weights were stored, e.g. "uint8 with a per-tensor
	// min and scale (value = min + scale * q)".
	Quantization string
	Keras        string // the Keras version that saved the model
}

// KerasLayer is one layer of the topology.
type KerasLayer struct {
	Name      string         `json:"name"`
	ClassName string         `json:"class_name"`
	Config    map[string]any `json:"config"`
	Inbound   any            `json:"inbound_nodes"`
}

// Tensor is one weight, row-major in Keras' layout (HWIO kernels).
type Tensor struct {
	Shape []int
	Data  []float32
}

type weightSpec struct {
	Name         string `json:"name"`
	Shape        []int  `json:"shape"`
	Dtype        string `json:"dtype"`
	Quantization *struct {
		Min   float64 `json:"min"`
		Scale float64 `json:"scale"`
		Dtype string  `json:"dtype"`
	} `json:"quantization"`
}

type modelJSON struct {
	ModelTopology struct {
		KerasVersion string `json:"keras_version"`
		ModelConfig  struct {
			Config struct {
				Layers []KerasLayer `json:"layers"`
			} `json:"config"`
		} `json:"model_config"`
	} `json:"modelTopology"`
	WeightsManifest []struct {
		Paths   []string     `json:"paths"`
		Weights []weightSpec `json:"weights"`
	} `json:"weightsManifest"`
}

// Read parses the bundled model file (topology and weight manifest) and the bundled
// weight shards, in the manifest's order.
func Read(modelJS []byte, shardsJS ...[]byte) (*Artifacts, error) {
	lit, err := exported(modelJS)
	if err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	raw, _ := json.Marshal(lit)
	var mj modelJSON
	if err := json.Unmarshal(raw, &mj); err != nil {
		return nil, fmt.Errorf("model file: not a TF.js layers model: %w", err)
	}
	if len(mj.ModelTopology.ModelConfig.Config.Layers) == 0 || len(mj.WeightsManifest) == 0 {
		return nil, fmt.Errorf("model file: no layers or no weights manifest: not a TF.js layers model")
	}
	var data []byte
	for i, s := range shardsJS {
		lit, err := exported(s)
		if err != nil {
			return nil, fmt.Errorf("weight shard %d: %w", i+1, err)
		}
		b64, ok := lit.(string)
		if !ok {
			return nil, fmt.Errorf("weight shard %d: exports a %T, want a base64 string", i+1, lit)
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("weight shard %d: %w", i+1, err)
		}
		data = append(data, b...)
	}
	a := &Artifacts{Layers: map[string]KerasLayer{}, Weights: map[string]Tensor{}, Keras: mj.ModelTopology.KerasVersion}
	for _, l := range mj.ModelTopology.ModelConfig.Config.Layers {
		a.Layers[l.Name] = l
	}
	quant := map[string]bool{}
	for _, group := range mj.WeightsManifest {
		for _, w := range group.Weights {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			t := Tensor{Shape: w.Shape, Data: make([]float32, n)}
			q := w.Quantization
			switch {
			case w.Dtype != "float32":
				return nil, fmt.Errorf("weight %s has dtype %s; only float32 weights are read", w.Name, w.Dtype)
			case q == nil:
				if len(data) < 4*n {
					return nil, fmt.Errorf("weight %s: the shards end early", w.Name)
				}
				for i := range t.Data {
					t.Data[i] = math.Float32frombits(uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24)
				}
				data = data[4*n:]
			case q.Dtype == "uint8":
				if len(data) < n {
					return nil, fmt.Errorf("weight %s: the shards end early", w.Name)
				}
				// TF.js dequantizes as q * scale + min in double precision, then
				// stores float32: the same here, so the weights are bit-identical.
				for i := range t.Data {
					t.Data[i] = float32(float64(data[i])*q.Scale + q.Min)
				}
				data = data[n:]
				quant["uint8 with a per-tensor min and scale (value = q * scale + min)"] = true
			default:
				return nil, fmt.Errorf("weight %s is quantized as %s; only uint8 is read", w.Name, q.Dtype)
			}
			a.Weights[w.Name] = t
		}
	}
	if len(data) != 0 {
		return nil, fmt.Errorf("%d bytes of the shards are not in the manifest", len(data))
	}
	for k := range quant {
		a.Quantization = k
	}
	if a.Quantization == "" {
		a.Quantization = "none (float32)"
	}
	return a, nil
}
