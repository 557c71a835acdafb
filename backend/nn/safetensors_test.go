package nn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSaveLoadRoundTripIsExact(t *testing.T) {
	for _, arch := range Architectures() {
		in := Input{3, 32, 32}
		if arch == MobileNetV2B10 {
			in = Input{3, 96, 96}
		}
		m, err := New(arch, in, []string{"cat", "dog", "bird"}, 4)
		if err != nil {
			t.Fatal(err)
		}
		m.Source = "upload:pets"
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := Load(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if got.Arch != arch || got.Input != m.Input || strings.Join(got.Classes, ",") != "cat,dog,bird" || got.Source != "upload:pets" {
			t.Fatalf("%s: metadata %+v", arch, got)
		}
		for i, p := range m.Params {
			q := got.Params[i]
			for j := range p.Data {
				if math.Float32bits(p.Data[j]) != math.Float32bits(q.Data[j]) {
					t.Fatalf("%s: %s[%d] %v != %v", arch, p.Name, j, q.Data[j], p.Data[j])
				}
			}
		}
	}
}

// TestDenseLayoutIsPyTorchs checks the file holds fc1 as (out, in) over CHW inputs.
func TestDenseLayoutIsPyTorchs(t *testing.T) {
	m, _ := New("mlp", Input{2, 4, 4}, []string{"a", "b"}, 1)
	l, _ := m.Layer("fc1")
	w := m.Param("fc1.weight")
	file := denseToFile(l, w.Data)
	// input element (c=1, y=2, x=3) is CHW index 1*16+2*4+3 and HWC index (2*4+3)*2+1.
	o := 5
	if file[o*l.In+27] != w.Data[23*l.Out+o] {
		t.Fatal("dense weight not stored as (out, in) in CHW order")
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	m, _ := New("cnn", Input{1, 28, 28}, []string{"a", "b"}, 1)
	var buf bytes.Buffer
	m.Save(&buf)
	good := buf.Bytes()
	hlen := int(binary.LittleEndian.Uint64(good))
	header := string(good[8 : 8+hlen])
	withHeader := func(h string) []byte {
		for len(h)%8 != 0 {
			h += " "
		}
		out := make([]byte, 8, 8+len(h)+len(good)-8-hlen)
		binary.LittleEndian.PutUint64(out, uint64(len(h)))
		out = append(out, h...)
		return append(out, good[8+hlen:]...)
	}
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"huge header length", append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, good[8:]...), "header length"},
		{"not json", withHeader("{not json"), "not JSON"},
		{"unknown arch", withHeader(strings.Replace(header, `"architecture":"cnn"`, `"architecture":"resnet"`, 1)), "unknown architecture"},
		{"wrong format", withHeader(strings.Replace(header, `"format":"transferlab"`, `"format":"other"`, 1)), "format"},
		{"missing tensor", withHeader(strings.Replace(header, `"conv2.bias"`, `"conv2.bias_old"`, 1)), `"conv2.bias" is missing`},
		{"shape mismatch", withHeader(strings.Replace(header, `"shape":[16,1,3,3]`, `"shape":[16,3,3,1]`, 1)), "has shape"},
		{"bad dtype", withHeader(strings.Replace(header, `"dtype":"F32"`, `"dtype":"F16"`, 1)), "dtype"},
		{"truncated data", good[:len(good)-4], "data_offsets"},
		{"stray bytes", append(append([]byte(nil), good...), 0, 0, 0, 0), "stray bytes"},
	}
	for _, c := range cases {
		_, err := Load(c.file)
		if err == nil || !errors.Is(err, ErrBadWeights) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an ErrBadWeights mentioning %q", c.name, err, c.want)
		}
	}
}
