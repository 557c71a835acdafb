package tfjs

import (
	"strings"
	"testing"
)

// TestReadParsesBundledLiteralsAndRefusesOthers covers the JavaScript the minifier
// writes (unquoted keys, !0/!1, numbers starting with a dot or with exponents, escapes)
// and files that are not bundled models, which must fail with a reason, not panic.
func TestReadParsesBundledLiteralsAndRefusesOthers(t *testing.T) {
	v, err := exported([]byte(`x.exports=function(){};a.exports={k:!0,f:!1,n:.5,e:-1e-3,s:"a\"b\u0041",l:[1,null],"q":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if m["k"] != true || m["f"] != false || m["n"] != 0.5 || m["e"] != -0.001 || m["s"] != `a"bA` || len(m["l"].([]any)) != 2 {
		t.Errorf("parsed %#v", m)
	}
	model := `a.exports={modelTopology:{keras_version:"2.2.4",model_config:{config:{layers:[{name:"x",class_name:"InputLayer",config:{}}]}}},weightsManifest:[{paths:["s"],weights:[{name:"w",shape:[2],dtype:"float32",quantization:{min:-1,scale:.5,dtype:"uint8"}}]}]}`
	a, err := Read([]byte(model), []byte(`h.exports="AAQ="`)) // bytes 0 and 4
	if err != nil {
		t.Fatal(err)
	}
	if w := a.Weights["w"].Data; w[0] != -1 || w[1] != 1 {
		t.Errorf("dequantized %v, want [-1 1]", w)
	}
	for _, c := range []struct{ name, model, shard, want string }{
		{"not bundled", `{"a":1}`, `h.exports="AA=="`, "no `.exports=`"},
		{"truncated", `a.exports={modelTopology:{`, `h.exports="AA=="`, "at byte"},
		{"not a model", `a.exports={x:1}`, `h.exports="AA=="`, "not a TF.js layers model"},
		{"short shard", model, `h.exports="AA=="`, "end early"},
		{"long shard", model, `h.exports="AAAA"`, "not in the manifest"},
		{"shard not base64", model, `h.exports="!!"`, "weight shard 1"},
	} {
		if _, err := Read([]byte(c.model), []byte(c.shard)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one that says %q", c.name, err, c.want)
		}
	}
}
