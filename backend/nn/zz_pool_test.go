package nn

import (
	"fmt"
	"testing"
	"time"
)

func TestConvParts(t *testing.T) {
	for _, g := range []convGeom{
		{b: 64, h: 28, w: 28, c: 1, o: 16, k: 3, pad: 1, ho: 28, wo: 28},
		{b: 64, h: 14, w: 14, c: 16, o: 32, k: 3, pad: 1, ho: 14, wo: 14},
	} {
		op := &convOp{g: g, relu: true, pool: true, hp: g.ho / 2, wp: g.wo / 2, chunk: g.chunkImages()}
		op.arg = make([]uint8, g.b*op.hp*op.wp*g.o)
		op.prev = make([]uint8, len(op.arg))
		x := make([]float32, g.b*g.hwc())
		for i := range x {
			x[i] = float32((i*7919)%1000)/500 - 1
		}
		cols := make([]float32, g.b*g.pix()*g.kkc())
		pre := make([]float32, g.b*g.pix()*g.o)
		w := make([]float32, g.o*g.kkc())
		for i := range w {
			w[i] = float32((i*31)%17)/17 - 0.5
		}
		out := make([]float32, g.b*op.hp*op.wp*g.o)
		bias := make([]float32, g.o)
		dpre := make([]float32, len(pre))
		dx := make([]float32, len(x))
		op.bsum = [][]float32{make([]float32, g.o), make([]float32, g.o)}
		tm := func(name string, f func()) {
			best := time.Hour
			for r := 0; r < 30; r++ {
				t0 := time.Now()
				f()
				best = min(best, time.Since(t0))
			}
			fmt.Printf("c=%d %-8s %v\n", g.c, name, best)
		}
		pad := make([]float32, g.padded())
		tm("im2col", func() { g.im2col(x, 0, g.b, cols, pad) })
		tm("gemm", func() { sgemm(false, true, g.b*g.pix(), g.o, g.kkc(), 1, cols, g.kkc(), w, g.kkc(), 0, pre, g.o) })
		tm("pool", func() { op.poolChunk(pre, bias, 0, g.b, out) })
		tm("pregrad", func() { op.preGrad(out, out, dpre) })
		tm("col2im", func() { g.col2im(cols, 0, g.b, dx) })
		tm("dwgemm", func() { sgemm(true, false, g.o, g.kkc(), g.b*g.pix(), 1, dpre, g.o, cols, g.kkc(), 0, w, g.kkc()) })
		tm("dxgemm", func() { sgemm(false, false, g.b*g.pix(), g.kkc(), g.o, 1, dpre, g.o, w, g.kkc(), 0, cols, g.kkc()) })
	}
}
