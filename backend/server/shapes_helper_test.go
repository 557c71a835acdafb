package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// sameShape checks that body is exactly what the Go type T writes: it decodes with
// unknown keys refused, writes the value back, and compares the two. A key the type
// lacks, a key the route leaves out, or a changed type fails, so the TypeScript
// generated from T is what the route sends.
//
// Lists and maps are written non-null in TypeScript; mayBeNull names the paths (as
// ".field.sub") the generator writes `| null` instead.
func sameShape[T any](t *testing.T, route, body string, mayBeNull ...string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s does not answer a %T: %v\n%s", route, v, err, body)
		return v
	}
	back, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var sent, written any
	if err := json.Unmarshal([]byte(body), &sent); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(back, &written); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sent, written) {
		t.Errorf("%s answers keys its %T does not write:\nsent    %s\nwritten %s", route, v, compact(body), back)
	}
	for _, at := range nullsOfNonNullable(reflect.TypeOf(v), sent, "") {
		if slices.Contains(mayBeNull, at) {
			continue
		}
		t.Errorf("%s sends null at %s, where the generated shape promises a value", route, at)
	}
	return v
}

var rawType = reflect.TypeOf(json.RawMessage{})

// nullsOfNonNullable lists where a decoded body has null but the Go type (and so its
// TypeScript) has no null: a slice or map, which the generator writes as always there.
func nullsOfNonNullable(t reflect.Type, v any, at string) []string {
	if t == rawType {
		return nil
	}
	if v == nil {
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			return []string{at}
		}
		return nil
	}
	var out []string
	switch t.Kind() {
	case reflect.Pointer:
		return nullsOfNonNullable(t.Elem(), v, at)
	case reflect.Slice, reflect.Array:
		items, _ := v.([]any)
		for i, item := range items {
			out = append(out, nullsOfNonNullable(t.Elem(), item, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case reflect.Map:
		m, _ := v.(map[string]any)
		for k, item := range m {
			out = append(out, nullsOfNonNullable(t.Elem(), item, at+"."+k)...)
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil // a time or another type written as a scalar
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				out = append(out, nullsOfNonNullable(f.Type, v, at)...)
				continue
			}
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if item, ok := m[name]; ok {
				out = append(out, nullsOfNonNullable(f.Type, item, at+"."+name)...)
			}
		}
	}
	return out
}

func compact(s string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		return s
	}
	return b.String()
}
