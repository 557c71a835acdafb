package nn

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Card describes a saved model; it is written next to the weights as <id>.json.
type Card struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Architecture string         `json:"architecture"`
	Input        Input          `json:"input"`
	Classes      []string       `json:"classes"`
	Source       string         `json:"source_dataset"`
	Epochs       int            `json:"epochs"`
	Seed         uint64         `json:"seed"`
	Optimizer    map[string]any `json:"optimizer"`
	TestAccuracy float64        `json:"test_accuracy"`
	TestImages   int            `json:"test_images"`
	Parameters   int            `json:"parameters"`
	Command      string         `json:"command"` // reproduces the weights exactly
	Format       string         `json:"format"`
	Origin       *Origin        `json:"origin,omitempty"`
}

// Origin records where imported weights came from and what was done to them.
type Origin struct {
	Package       string   `json:"package"` // e.g. "npm nsfwjs 4.4.0"
	License       string   `json:"license"`
	Files         []string `json:"files"`
	Upstream      string   `json:"upstream"`
	Cut           string   `json:"cut"`
	Quantization  string   `json:"quantization"`
	BatchNorm     string   `json:"batch_norm"`
	Preprocessing string   `json:"preprocessing"`
}

// ZooEntry is a model found in a zoo directory.
type ZooEntry struct {
	Card        Card
	WeightsPath string // relative to the zoo's file system for LoadZooFS
	CardPath    string
	fsys        fs.FS
}

// Load reads and validates the entry's weights, and checks they agree with its card.
func (e ZooEntry) Load() (*Model, error) {
	b, err := fs.ReadFile(e.fsys, e.WeightsPath)
	if err != nil {
		return nil, err
	}
	m, err := Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.WeightsPath, err)
	}
	if m.Arch != e.Card.Architecture || m.Input != e.Card.Input || len(m.Classes) != len(e.Card.Classes) {
		return nil, fmt.Errorf("%s: weights (%s %s, %d classes) do not match the card (%s %s, %d classes)",
			e.WeightsPath, m.Arch, m.Input, len(m.Classes), e.Card.Architecture, e.Card.Input, len(e.Card.Classes))
	}
	return m, nil
}

// LoadZoo lists the models in dir: every <id>.json card with an <id>.safetensors beside
// it, sorted by id. Weights are only read by ZooEntry.Load.
func LoadZoo(dir string) ([]ZooEntry, error) {
	zoo, err := LoadZooFS(os.DirFS(dir))
	for i := range zoo {
		// Keep on-disk paths in the entries; osFS opens them as they are.
		zoo[i].WeightsPath = filepath.Join(dir, zoo[i].WeightsPath)
		zoo[i].CardPath = filepath.Join(dir, zoo[i].CardPath)
		zoo[i].fsys = osFS{}
	}
	return zoo, err
}

// LoadZooFS lists the models at the root of fsys (an embedded zoo, for example).
// Cards that do not parse are errors.
func LoadZooFS(fsys fs.FS) ([]ZooEntry, error) {
	paths, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	var out []ZooEntry
	for _, p := range paths {
		w := strings.TrimSuffix(p, ".json") + ".safetensors"
		if _, err := fs.Stat(fsys, w); err != nil {
			continue // a JSON file that is not a model card
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		var c Card
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if c.ID == "" {
			c.ID = strings.TrimSuffix(p, ".json")
		}
		out = append(out, ZooEntry{Card: c, WeightsPath: w, CardPath: p, fsys: fsys})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Card.ID < out[j].Card.ID })
	return out, nil
}

// osFS opens operating-system paths as they are.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// WriteCard writes c as indented JSON to path.
func WriteCard(path string, c Card) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
