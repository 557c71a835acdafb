package train

import (
	"testing"

	"transferlab/backend/nn"
)

// TestStandardTransferTask runs DESIGN.md's standard task with the shipped base model:
// digits 5-9, 50 training images per class, SGD momentum 0.9, lr 0.01, batch 32, 10
// epochs, both arms with seed 0 (the reference script's default). Our scratch arm is
// stronger and noisier than PyTorch's ~0.76: with seeds 1 and 3 it ends at 0.85-0.87,
// 5-8 points under fine-tuning, so the 10-point margin holds for seeds 0 and 2 only. Validation uses a seeded 1,500 of the 4,861
// test images of 5-9 to keep the test fast; `transferlab pretrain`/bench use them all.
func TestStandardTransferTask(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two 10-epoch arms")
	}
	base, err := nn.LoadFile("../../models/cnn-mnist04.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := mnist(t)
	target, err := tr.FilterClasses([]int{5, 6, 7, 8, 9}).PerClass(50, 0)
	if err != nil {
		t.Fatal(err)
	}
	val := te.FilterClasses([]int{5, 6, 7, 8, 9}).Sample(1500, 0)
	classes := []string{"5", "6", "7", "8", "9"}
	h := Hyper{Epochs: 10, BatchSize: 32, Optimizer: "sgd", LR: 0.01, Momentum: 0.9, Seed: 0}
	accs := map[string][]float64{}
	for _, name := range []string{Finetune, Scratch} {
		s := Strategy{Kind: name}
		m, rep, err := NewModel("cnn", base, s, base.Input, classes, 0)
		if err != nil {
			t.Fatal(err)
		}
		if name == Finetune && rep.Count(nn.Copied) != 3 {
			t.Fatalf("transfer report %+v: want 3 encoder layers copied", rep)
		}
		c, _ := trainCurve(t, m, s, h, target, val)
		for _, e := range c.evals {
			accs[name] = append(accs[name], e.Acc)
		}
	}
	t.Logf("finetune %.3f", accs[Finetune])
	t.Logf("scratch  %.3f", accs[Scratch])
	for i := range accs[Finetune] {
		if accs[Finetune][i] <= accs[Scratch][i] {
			t.Errorf("epoch %d: finetune %.3f does not beat scratch %.3f", i+1, accs[Finetune][i], accs[Scratch][i])
		}
	}
	ft, sc := accs[Finetune][9], accs[Scratch][9]
	if ft-sc < 0.10 {
		t.Errorf("final finetune %.3f is less than 10 points above scratch %.3f", ft, sc)
	}
	if ft < 0.90 {
		t.Errorf("final finetune %.3f is more than 3 points below PyTorch's ~0.93", ft)
	}
}
