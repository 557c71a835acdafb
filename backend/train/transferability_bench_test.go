package train

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"transferlab/backend/data"
	"transferlab/backend/nn"
)

// BenchmarkTransferabilityAgreement measures how honest the transferability score is:
// for each few-shot target it scores every shipped zoo model, fine-tunes each one (SGD
// momentum 0.9, lr 0.01, batch 32, 5 epochs, seed 1), tests it on a seeded 2,000 test
// images, and logs the Spearman rank correlation between score and test accuracy.
// It trains 45 models: run it alone,
//
//	go test ./backend/train -run '^$' -bench TransferabilityAgreement -benchtime 1x -v
func BenchmarkTransferabilityAgreement(b *testing.B) {
	zoo, err := nn.LoadZoo("../../models")
	if err != nil {
		b.Fatal(err)
	}
	root := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	targets := []struct {
		id   string
		view func(*data.Dataset) *data.Dataset
	}{
		{"mnist-5-9-50", nil},
		{"letters", func(d *data.Dataset) *data.Dataset { return d.FewShot(50, 1) }},
		{"fashion-50", nil},
		{"fashion-5-9-50", nil},
		{"mnist", func(d *data.Dataset) *data.Dataset { return d.FewShot(20, 1) }},
	}
	for range b.N {
		for _, tg := range targets {
			ds, err := data.OpenBuiltin(root, tg.id)
			if err != nil {
				b.Fatal(err)
			}
			if tg.view != nil {
				ds = tg.view(ds)
			}
			tr, _ := ds.Split("train")
			te, _ := ds.Split("test")
			test := sampleOf(te, 2000, 1)
			var scores, accs []float64
			for _, e := range zoo {
				base, err := e.Load()
				if err != nil {
					b.Fatal(err)
				}
				sc, err := Transferability(context.Background(), base, tr, ds.Classes(), 1)
				if err != nil {
					b.Fatal(err)
				}
				s := Strategy{Kind: Finetune}
				m, _, err := NewModel("", base, s, base.Input, ds.Classes(), 1)
				if err != nil {
					b.Fatal(err)
				}
				r, err := NewRun(m, s, Hyper{Epochs: 5, BatchSize: 32, LR: 0.01, Momentum: 0.9, Seed: 1}, tr, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Train(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
				rep, err := r.Evaluate(test)
				r.Close()
				if err != nil {
					b.Fatal(err)
				}
				scores, accs = append(scores, sc.Score), append(accs, rep.Accuracy)
				b.Logf("%-15s %-18s score %.3f (%.2fs)  fine-tuned test %.3f", tg.id, e.Card.ID, sc.Score, sc.Seconds, rep.Accuracy)
			}
			b.Logf("%-15s Spearman rho %.2f over %d models (%d training images)", tg.id, spearman(scores, accs), len(zoo), tr.Len())
			ds.Close()
		}
	}
}

// spearman is the rank correlation of a and b, ties given their mean rank.
func spearman(a, b []float64) float64 {
	ra, rb := ranks(a), ranks(b)
	var ma, mb float64
	for i := range ra {
		ma += ra[i] / float64(len(ra))
		mb += rb[i] / float64(len(rb))
	}
	var sab, saa, sbb float64
	for i := range ra {
		sab += (ra[i] - ma) * (rb[i] - mb)
		saa += (ra[i] - ma) * (ra[i] - ma)
		sbb += (rb[i] - mb) * (rb[i] - mb)
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / sqrt(saa*sbb)
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return cmp.Compare(v[i], v[j]) })
	out := make([]float64, len(v))
	for lo := 0; lo < len(idx); {
		hi := lo
		for hi+1 < len(idx) && v[idx[hi+1]] == v[idx[lo]] {
			hi++
		}
		for k := lo; k <= hi; k++ {
			out[idx[k]] = float64(lo+hi)/2 + 1
		}
		lo = hi + 1
	}
	return out
}

func TestSpearman(t *testing.T) {
	if r := spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); r != 1 {
		t.Fatalf("monotone: %v", r)
	}
	if r := spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); r != -1 {
		t.Fatalf("reversed: %v", r)
	}
	if r := spearman([]float64{1, 1, 2}, []float64{5, 5, 9}); r < 0.999 {
		t.Fatalf("ties: %v", r)
	}
}

// BenchmarkBuiltinComparisons runs the home page's one-click comparisons at the
// standard settings (SGD momentum 0.9, lr 0.01, batch 32, 10 epochs, seed 1) and logs
// each arm's test accuracy, so what the page says each one teaches can be checked:
//
//	go test ./backend/train -run '^$' -bench BuiltinComparisons -benchtime 1x -v
func BenchmarkBuiltinComparisons(b *testing.B) {
	root := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	for range b.N {
		for _, c := range []struct{ dataset, base string }{
			{"mnist-5-9-50", "cnn-mnist04"}, {"fashion-50", "cnn-mnist"}, {"mnist-5-9-50", "cnn-fashion"}, {"mnist-5-9-50", "cnn-letters"},
		} {
			base, err := nn.LoadFile("../../models/" + c.base + ".safetensors")
			if err != nil {
				b.Fatal(err)
			}
			ds, err := data.OpenBuiltin(root, c.dataset)
			if err != nil {
				b.Fatal(err)
			}
			tr, _ := ds.Split("train")
			te, _ := ds.Split("test")
			test := sampleOf(te, 2000, 1)
			for _, kind := range []string{Finetune, LinearProbe, Scratch} {
				s := Strategy{Kind: kind}
				m, _, err := NewModel(base.Arch, base, s, base.Input, ds.Classes(), 1)
				if err != nil {
					b.Fatal(err)
				}
				r, err := NewRun(m, s, Hyper{Epochs: 10, BatchSize: 32, LR: 0.01, Momentum: 0.9, Seed: 1}, tr, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Train(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
				rep, err := r.Evaluate(test)
				r.Close()
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%-14s from %-12s %-13s test %.3f", c.dataset, c.base, kind, rep.Accuracy)
			}
			ds.Close()
		}
	}
}
