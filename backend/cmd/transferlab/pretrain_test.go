package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"transferlab/backend/nn"
)

// TestPretrainReproducesShippedFashionModel runs the command a shipped Fashion-MNIST
// card records and must get a model of the card's test accuracy. Bit for bit holds only
// for the engine that made the weights: a faster kernel that sums in another order
// moves the last bits, so the weights are compared by what they score.
func TestPretrainReproducesShippedFashionModel(t *testing.T) {
	b, err := os.ReadFile("../../../models/mlp-fashion.json")
	if err != nil {
		t.Fatal(err)
	}
	var card nn.Card
	if err := json.Unmarshal(b, &card); err != nil {
		t.Fatal(err)
	}
	args := strings.Fields(card.Command)
	if len(args) < 2 || args[0] != "transferlab" || args[1] != "pretrain" {
		t.Fatalf("card command %q", card.Command)
	}
	out := filepath.Join(t.TempDir(), "m")
	for i, a := range args {
		if a == "--out" {
			args[i+1] = out
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(args[1:], &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var made nn.Card
	b, _ = os.ReadFile(out + ".json")
	if err := json.Unmarshal(b, &made); err != nil || made.Classes[9] != "Ankle boot" || made.TestImages != card.TestImages {
		t.Fatalf("card %+v, %v", made, err)
	}
	if d := made.TestAccuracy - card.TestAccuracy; d > 0.01 || d < -0.01 {
		t.Fatalf("%q scores %.4f, the shipped card %.4f", card.Command, made.TestAccuracy, card.TestAccuracy)
	}
	t.Logf("%q scores %.4f, the shipped card %.4f", card.Command, made.TestAccuracy, card.TestAccuracy)
}

func TestPretrainRefusesUnknownData(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"pretrain", "--dataset", "letters:0-4", "--out", filepath.Join(t.TempDir(), "m")}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "fashion:<classes> and letters") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}
