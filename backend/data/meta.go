package data

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// Files of a dataset folder.
const (
	MetaFile   = "meta.json"
	CacheFile  = "images.tlc"
	uploadBase = "upload"
)

// SplitCounts counts images per split.
type SplitCounts struct {
	Train int `json:"train"`
	Val   int `json:"val"`
	Test  int `json:"test"`
}

func (s *SplitCounts) add(split uint8) {
	switch split {
	case SplitTrain:
		s.Train++
	case SplitVal:
		s.Val++
	case SplitTest:
		s.Test++
	}
}

// ClassInfo is one class: its name, image count and per-split counts.
type ClassInfo struct {
	Name   string      `json:"name"`
	Count  int         `json:"count"`
	Splits SplitCounts `json:"splits"`
}

// Stats are per-channel mean and standard deviation of the training images, with pixels
// scaled to [0,1], for normalisation.
type Stats struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// Meta describes an imported dataset; it is written next to the cache as meta.json.
type Meta struct {
	Name      string      `json:"name"`
	Format    string      `json:"format"`
	Upload    string      `json:"upload,omitempty"` // the kept original, relative to the folder
	SHA256    string      `json:"sha256,omitempty"` // of the original upload
	Channels  int         `json:"channels"`
	Height    int         `json:"height"`
	Width     int         `json:"width"`
	NumImages int         `json:"num_images"`
	Classes   []ClassInfo `json:"classes"`
	Splits    SplitCounts `json:"splits"`
	Stats     Stats       `json:"stats"`
	Report    Report      `json:"report"`
	Seed      int64       `json:"seed"`
	Fractions [3]float64  `json:"fractions"`
	// ValIsTest makes Split("val") serve the test images, for datasets like MNIST whose
	// publishers fix only a train and a test set.
	ValIsTest bool `json:"val_is_test,omitempty"`
}

// ClassNames lists the class names in label order.
func (m *Meta) ClassNames() []string {
	out := make([]string, len(m.Classes))
	for i, c := range m.Classes {
		out[i] = c.Name
	}
	return out
}

// ReadMeta reads meta.json of a dataset folder.
func ReadMeta(dir string) (*Meta, error) {
	b, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func writeMeta(dir string, m *Meta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, MetaFile), b, 0o644)
}
