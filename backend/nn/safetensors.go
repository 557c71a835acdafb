package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"transferlab/backend/atomicfile"
)

// FormatVersion is written to every weight file's metadata and checked on load.
const FormatVersion = "1"

// maxHeader bounds the JSON header so a corrupt length cannot make us allocate gigabytes.
const maxHeader = 1 << 20

type tensorEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Save writes the model in safetensors layout: an 8-byte little-endian header length,
// a JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian float32 data. Metadata records what Load needs to rebuild the model.
func (m *Model) Save(w io.Writer) error {
	classes, _ := json.Marshal(m.Classes)
	input, _ := json.Marshal(m.Input)
	header := map[string]any{"__metadata__": map[string]string{
		"format":       "transferlab",
		"version":      FormatVersion,
		"architecture": m.Arch,
		"input":        string(input),
		"classes":      string(classes),
		"source":       m.Source,
	}}
	var data bytes.Buffer
	for _, p := range m.Params {
		l, _ := m.Layer(p.Layer)
		vals := p.Data
		shape := []int{l.Out}
		if p.Name == l.Name+".weight" {
			shape = l.WeightShape()
			if l.Kind == Dense {
				vals = denseToFile(l, p.Data)
			}
		}
		start := int64(data.Len())
		for _, v := range vals {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			data.Write(b[:])
		}
		header[p.Name] = tensorEntry{Dtype: "F32", Shape: shape, DataOffsets: [2]int64{start, int64(data.Len())}}
	}
	// A layer's folded batch norm follows the weights, so a file without any is
	// byte for byte what it was before batch norms were kept.
	for _, l := range m.Layers {
		bn := m.BatchNorm[l.Name]
		if bn == nil {
			continue
		}
		for k, vals := range bn.tensors() {
			start := int64(data.Len())
			for _, v := range vals {
				var b [4]byte
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
				data.Write(b[:])
			}
			header[l.Name+"."+bnTensors[k]] = tensorEntry{Dtype: "F32", Shape: []int{len(vals)}, DataOffsets: [2]int64{start, int64(data.Len())}}
		}
	}
	hdr, err := json.Marshal(header)
	if err != nil {
		return err
	}
	// Pad the header with spaces so the data starts 8-byte aligned, as the format asks.
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	for _, part := range [][]byte{n[:], hdr, data.Bytes()} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// SaveFile writes the model to path, via a temporary file so a crash never leaves a
// half-written weight file behind.
func (m *Model) SaveFile(path string) error {
	return atomicfile.Write(path, m.Save)
}

// LoadFile reads a weight file written by Save.
func LoadFile(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ErrBadWeights is wrapped by every error Load returns for a malformed file.
var ErrBadWeights = errors.New("invalid weight file")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadWeights, fmt.Sprintf(format, args...))
}

// Load parses and validates a weight file: header length and JSON, metadata,
// architecture, every expected tensor's dtype, shape and byte range, and that no
// unexpected tensor or stray byte is present.
func Load(b []byte) (*Model, error) {
	if len(b) < 8 {
		return nil, bad("file is %d bytes, too short for a safetensors header", len(b))
	}
	hlen := binary.LittleEndian.Uint64(b[:8])
	if hlen == 0 || hlen > maxHeader || hlen > uint64(len(b)-8) {
		return nil, bad("header length %d does not fit a %d-byte file (not a safetensors file?)", hlen, len(b))
	}
	hdr, data := b[8:8+hlen], b[8+hlen:]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, bad("header is not JSON: %v", err)
	}
	var meta map[string]string
	if err := json.Unmarshal(raw["__metadata__"], &meta); err != nil || meta == nil {
		return nil, bad("header has no __metadata__ with string values")
	}
	delete(raw, "__metadata__")
	if meta["format"] != "transferlab" || meta["version"] != FormatVersion {
		return nil, bad("metadata format %q version %q, want transferlab version %s", meta["format"], meta["version"], FormatVersion)
	}
	var in Input
	if err := json.Unmarshal([]byte(meta["input"]), &in); err != nil {
		return nil, bad("metadata input %q is not {channels,height,width}: %v", meta["input"], err)
	}
	var classes []string
	if err := json.Unmarshal([]byte(meta["classes"]), &classes); err != nil {
		return nil, bad("metadata classes %q is not a JSON list of strings: %v", meta["classes"], err)
	}
	layers, err := Layers(meta["architecture"], in, len(classes))
	if err != nil {
		return nil, bad("%v", err)
	}
	m := &Model{Arch: meta["architecture"], Input: in, Classes: classes, Source: meta["source"], Layers: layers}
	type span struct {
		name       string
		start, end int64
	}
	var spans []span
	for _, l := range layers {
		w, bias := newParams(l)
		for _, p := range []*Param{w, bias} {
			rawEntry, ok := raw[p.Name]
			if !ok {
				return nil, bad("tensor %q is missing", p.Name)
			}
			delete(raw, p.Name)
			var e tensorEntry
			if err := json.Unmarshal(rawEntry, &e); err != nil {
				return nil, bad("tensor %q: %v", p.Name, err)
			}
			want := []int{l.Out}
			if p == w {
				want = l.WeightShape()
			}
			if e.Dtype != "F32" {
				return nil, bad("tensor %q has dtype %q, want F32", p.Name, e.Dtype)
			}
			if !equalInts(e.Shape, want) {
				return nil, bad("tensor %q has shape %v, want %v for %s", p.Name, e.Shape, want, m.Arch)
			}
			s, end := e.DataOffsets[0], e.DataOffsets[1]
			if s < 0 || end < s || end > int64(len(data)) || end-s != int64(4*len(p.Data)) {
				return nil, bad("tensor %q has data_offsets [%d,%d], want %d bytes inside %d bytes of data", p.Name, s, end, 4*len(p.Data), len(data))
			}
			spans = append(spans, span{p.Name, s, end})
			vals := make([]float32, len(p.Data))
			for i := range vals {
				vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[s+int64(4*i):]))
			}
			if p == w && l.Kind == Dense {
				denseFromFile(l, vals, p.Data)
			} else {
				copy(p.Data, vals)
			}
			m.Params = append(m.Params, p)
		}
	}
	for _, l := range layers {
		if _, ok := raw[l.Name+"."+bnTensors[0]]; !ok {
			continue
		}
		var vals [len(bnTensors)][]float32
		for k, suffix := range bnTensors {
			name := l.Name + "." + suffix
			want := l.Out
			if k == len(bnTensors)-1 {
				want = 1 // eps
			}
			var e tensorEntry
			rawEntry, ok := raw[name]
			if !ok {
				return nil, bad("tensor %q is missing (the layer keeps a batch norm)", name)
			}
			delete(raw, name)
			if err := json.Unmarshal(rawEntry, &e); err != nil {
				return nil, bad("tensor %q: %v", name, err)
			}
			if e.Dtype != "F32" || !equalInts(e.Shape, []int{want}) {
				return nil, bad("tensor %q is %s %v, want F32 [%d]", name, e.Dtype, e.Shape, want)
			}
			s, end := e.DataOffsets[0], e.DataOffsets[1]
			if s < 0 || end < s || end > int64(len(data)) || end-s != int64(4*want) {
				return nil, bad("tensor %q has data_offsets [%d,%d], want %d bytes inside %d bytes of data", name, s, end, 4*want, len(data))
			}
			spans = append(spans, span{name, s, end})
			vals[k] = make([]float32, want)
			for i := range vals[k] {
				vals[k][i] = math.Float32frombits(binary.LittleEndian.Uint32(data[s+int64(4*i):]))
			}
		}
		if m.BatchNorm == nil {
			m.BatchNorm = map[string]*BatchNorm{}
		}
		m.BatchNorm[l.Name] = &BatchNorm{Gamma: vals[0], Beta: vals[1], Scale: vals[2], Eps: vals[3][0]}
	}
	if len(raw) > 0 {
		names := make([]string, 0, len(raw))
		for n := range raw {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, bad("unexpected tensors for %s: %v", m.Arch, names)
	}
	// The format wants the tensors to tile the data exactly: no gaps, no overlaps.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var pos int64
	for _, s := range spans {
		if s.start != pos {
			return nil, bad("tensor %q starts at byte %d, want %d (overlap or gap)", s.name, s.start, pos)
		}
		pos = s.end
	}
	if pos != int64(len(data)) {
		return nil, bad("%d stray bytes after the last tensor", int64(len(data))-pos)
	}
	return m, nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
