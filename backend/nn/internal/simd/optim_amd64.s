//go:build amd64 && !purego

#include "textflag.h"

// func sgdStepAVX2(w, g, m []float32, wd, mu, lr float32, first int)
// len(w) is a multiple of 8, g and m as long. Per lane, as SGDStepGo:
// g' = g + wd*w; m = first ? g' : mu*m + g'; w = w - lr*m. No fused multiply-add.
TEXT ·sgdStepAVX2(SB), NOSPLIT, $0-96
	MOVQ         w_base+0(FP), DI
	MOVQ         w_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         m_base+48(FP), DX
	VBROADCASTSS wd+72(FP), Y13
	VBROADCASTSS mu+76(FP), Y14
	VBROADCASTSS lr+80(FP), Y15
	MOVQ         first+88(FP), AX
	SHRQ         $3, CX
	JZ           sgdDone
	TESTQ        AX, AX
	JNZ          sgdFirst

sgdLoop:
	VMOVUPS (DI), Y0      // w
	VMULPS  Y13, Y0, Y1   // wd*w
	VADDPS  (SI), Y1, Y1  // g'
	VMULPS  (DX), Y14, Y2 // mu*m
	VADDPS  Y1, Y2, Y2    // m
	VMOVUPS Y2, (DX)
	VMULPS  Y15, Y2, Y3   // lr*m
	VSUBPS  Y3, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     sgdLoop
	JMP     sgdDone

sgdFirst:
	VMOVUPS (DI), Y0
	VMULPS  Y13, Y0, Y1
	VADDPS  (SI), Y1, Y1 // g' is the momentum
	VMOVUPS Y1, (DX)
	VMULPS  Y15, Y1, Y3
	VSUBPS  Y3, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     sgdFirst

sgdDone:
	VZEROUPPER
	RET

// func adamStepAVX2(w, g, m, v []float32, wd, b1, nb1, b2, nb2, step, sc2, eps float32)
// len(w) is a multiple of 8, g, m and v as long; nb1 = 1-b1, nb2 = 1-b2. Per lane,
// as AdamStepGo: g' = g + wd*w; m = b1*m + nb1*g'; v = b2*v + (nb2*g')*g';
// w = w - (step*m) / (sqrt(v)/sc2 + eps). No fused multiply-add.
TEXT ·adamStepAVX2(SB), NOSPLIT, $0-128
	MOVQ         w_base+0(FP), DI
	MOVQ         w_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         m_base+48(FP), DX
	MOVQ         v_base+72(FP), R8
	VBROADCASTSS wd+96(FP), Y8
	VBROADCASTSS b1+100(FP), Y9
	VBROADCASTSS nb1+104(FP), Y10
	VBROADCASTSS b2+108(FP), Y11
	VBROADCASTSS nb2+112(FP), Y12
	VBROADCASTSS step+116(FP), Y13
	VBROADCASTSS sc2+120(FP), Y14
	VBROADCASTSS eps+124(FP), Y15
	SHRQ         $3, CX
	JZ           adamDone

adamLoop:
	VMOVUPS (DI), Y0      // w
	VMULPS  Y8, Y0, Y1    // wd*w
	VADDPS  (SI), Y1, Y1  // g'
	VMULPS  (DX), Y9, Y2  // b1*m
	VMULPS  Y1, Y10, Y3   // nb1*g'
	VADDPS  Y3, Y2, Y2    // m
	VMOVUPS Y2, (DX)
	VMULPS  Y1, Y12, Y4   // nb2*g'
	VMULPS  Y1, Y4, Y4    // (nb2*g')*g'
	VMULPS  (R8), Y11, Y5 // b2*v
	VADDPS  Y4, Y5, Y5    // v
	VMOVUPS Y5, (R8)
	VSQRTPS Y5, Y5
	VDIVPS  Y14, Y5, Y5   // sqrt(v)/sc2
	VADDPS  Y15, Y5, Y5   // + eps
	VMULPS  Y2, Y13, Y6   // step*m
	VDIVPS  Y5, Y6, Y6
	VSUBPS  Y6, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, R8
	DECQ    CX
	JNZ     adamLoop

adamDone:
	VZEROUPPER
	RET

// func sumSquaresAVX2(x []float32) float64
// len(x) is a multiple of 16. Y0-Y3 hold the 16 float64 partial sums of
// SumSquaresGo (Y0 lanes 0-3, Y1 4-7, ...), combined in its order.
TEXT ·sumSquaresAVX2(SB), NOSPLIT, $0-32
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHRQ   $4, CX
	JZ     sumReduce

sumLoop:
	VCVTPS2PD (SI), Y4
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VMULPD    Y4, Y4, Y4 // exact: a float32's square fits a float64
	VMULPD    Y5, Y5, Y5
	VMULPD    Y6, Y6, Y6
	VMULPD    Y7, Y7, Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      $64, SI
	DECQ      CX
	JNZ       sumLoop

sumReduce:
	VADDPD       Y1, Y0, Y0 // s[l] + s[4+l]
	VADDPD       Y3, Y2, Y2 // s[8+l] + s[12+l]
	VADDPD       Y2, Y0, Y0 // r[l]
	VEXTRACTF128 $1, Y0, X1 // r[2], r[3]
	VADDPD       X1, X0, X0 // r[0]+r[2], r[1]+r[3]
	VUNPCKHPD    X0, X0, X1
	VADDSD       X1, X0, X0
	VMOVSD       X0, ret+24(FP)
	VZEROUPPER
	RET

// func scaleAVX2(x []float32, s float32)
// len(x) is a multiple of 8; x = x*s per lane.
TEXT ·scaleAVX2(SB), NOSPLIT, $0-28
	MOVQ         x_base+0(FP), DI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS s+24(FP), Y15
	SHRQ         $3, CX
	JZ           scaleDone

scaleLoop:
	VMULPS  (DI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     scaleLoop

scaleDone:
	VZEROUPPER
	RET
