//go:build amd64 && !purego

#include "textflag.h"

// func addToAVX2(dst, src []float32)
// dst[i] += src[i] for i < len(src); the caller guarantees len(dst) == len(src).
TEXT ·addToAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
add8:
	CMPQ CX, $8
	JL   add1
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  add8
add1:
	TESTQ CX, CX
	JZ    addDone
	MOVSS (SI), X0
	ADDSS (DI), X0
	MOVSS X0, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JMP  add1
addDone:
	VZEROUPPER
	RET

// func poolRowAVX2(r0, r1, bias, dst []float32, arg []int32, reluMask int32)
// For each window px (len(dst)/o of them, o = len(bias), a multiple of 8) and
// channel ch: a, b = r0[(2px)o+ch], r0[(2px+1)o+ch]; c, e = the same in r1.
// m0 = b > a ? b : a (pos 0/1), m1 = e > c ? e : c (pos 2/3), m = m1 > m0 ? m1 : m0;
// v = m + bias[ch]; cut = (v <= 0) & reluMask; dst = cut ? 0 : v; arg = pos | cut&4.
TEXT ·poolRowAVX2(SB), NOSPLIT, $0-124
	MOVQ r0_base+0(FP), SI
	MOVQ r1_base+24(FP), DX
	MOVQ bias_base+48(FP), R8
	MOVQ bias_len+56(FP), R11
	MOVQ dst_base+72(FP), DI
	MOVQ dst_len+80(FP), BX
	MOVQ arg_base+96(FP), R9
	MOVL reluMask+120(FP), AX

	VPXOR Y15, Y15, Y15
	MOVL $1, R10
	VMOVD R10, X14
	VPBROADCASTD X14, Y14
	MOVL $2, R10
	VMOVD R10, X13
	VPBROADCASTD X13, Y13
	MOVL $4, R10
	VMOVD R10, X12
	VPBROADCASTD X12, Y12
	VMOVD AX, X11
	VPBROADCASTD X11, Y11

	SHLQ $2, R11 // o in bytes
	SHLQ $2, BX  // len(dst) in bytes

window:
	TESTQ BX, BX
	JLE   poolDone
	LEAQ (SI)(R11*1), R12 // r0 second column
	LEAQ (DX)(R11*1), R13 // r1 second column
	XORQ R10, R10

channel:
	CMPQ R10, R11
	JGE  nextWindow
	VMOVUPS (SI)(R10*1), Y0  // a
	VMOVUPS (R12)(R10*1), Y1 // b
	VMOVUPS (DX)(R10*1), Y2  // c
	VMOVUPS (R13)(R10*1), Y3 // e

	VCMPPS $0x1e, Y0, Y1, Y4 // b > a
	VMAXPS Y0, Y1, Y5        // b > a ? b : a
	VPAND  Y14, Y4, Y6       // i0

	VCMPPS $0x1e, Y2, Y3, Y7 // e > c
	VMAXPS Y2, Y3, Y8        // e > c ? e : c
	VPAND  Y14, Y7, Y9
	VPOR   Y13, Y9, Y9       // i1

	VCMPPS    $0x1e, Y5, Y8, Y10 // m1 > m0
	VMAXPS    Y5, Y8, Y0         // m1 > m0 ? m1 : m0
	VBLENDVPS Y10, Y9, Y6, Y1    // pos

	VADDPS  (R8)(R10*1), Y0, Y0 // v
	VCMPPS  $0x02, Y15, Y0, Y2  // v <= 0
	VPAND   Y11, Y2, Y2         // cut
	VANDNPS Y0, Y2, Y0          // cut ? 0 : v
	VPAND   Y12, Y2, Y3
	VPOR    Y3, Y1, Y1

	VMOVUPS Y0, (DI)(R10*1)
	VMOVDQU Y1, (R9)(R10*1)
	ADDQ $32, R10
	JMP  channel

nextWindow:
	LEAQ (SI)(R11*2), SI
	LEAQ (DX)(R11*2), DX
	ADDQ R11, DI
	ADDQ R11, R9
	SUBQ R11, BX
	JMP  window

poolDone:
	VZEROUPPER
	RET

// func poolGradRowAVX2(gs []float32, arg []int32, q0, q1, bs []float32)
// See PoolGradRowGo; o = len(bs) is a multiple of 8.
TEXT ·poolGradRowAVX2(SB), NOSPLIT, $0-120
	MOVQ gs_base+0(FP), SI
	MOVQ gs_len+8(FP), BX
	MOVQ arg_base+24(FP), R9
	MOVQ q0_base+48(FP), DI
	MOVQ q1_base+72(FP), DX
	MOVQ bs_base+96(FP), R8
	MOVQ bs_len+104(FP), R11

	VPXOR Y15, Y15, Y15
	MOVL $1, R10
	VMOVD R10, X14
	VPBROADCASTD X14, Y14
	MOVL $2, R10
	VMOVD R10, X13
	VPBROADCASTD X13, Y13
	MOVL $3, R10
	VMOVD R10, X12
	VPBROADCASTD X12, Y12

	SHLQ $2, R11 // o in bytes
	SHLQ $2, BX  // len(gs) in bytes

gradWindow:
	TESTQ BX, BX
	JLE   gradDone
	LEAQ (DI)(R11*1), R12 // q0 second column
	LEAQ (DX)(R11*1), R13 // q1 second column
	XORQ R10, R10

gradChannel:
	CMPQ R10, R11
	JGE  gradNext
	VMOVDQU (R9)(R10*1), Y0 // arg
	VMOVUPS (SI)(R10*1), Y1 // gradient

	VPCMPEQD Y15, Y0, Y2
	VANDPS   Y1, Y2, Y3
	VMOVUPS  Y3, (DI)(R10*1)
	VPCMPEQD Y14, Y0, Y2
	VANDPS   Y1, Y2, Y4
	VMOVUPS  Y4, (R12)(R10*1)
	VPCMPEQD Y13, Y0, Y2
	VANDPS   Y1, Y2, Y5
	VMOVUPS  Y5, (DX)(R10*1)
	VPCMPEQD Y12, Y0, Y2
	VANDPS   Y1, Y2, Y6
	VMOVUPS  Y6, (R13)(R10*1)

	VADDPS  Y4, Y3, Y3 // ((w0 + w1) + w2) + w3, as the Go version adds
	VADDPS  Y5, Y3, Y3
	VADDPS  Y6, Y3, Y3
	VADDPS  (R8)(R10*1), Y3, Y3
	VMOVUPS Y3, (R8)(R10*1)
	ADDQ $32, R10
	JMP  gradChannel

gradNext:
	LEAQ (DI)(R11*2), DI
	LEAQ (DX)(R11*2), DX
	ADDQ R11, SI
	ADDQ R11, R9
	SUBQ R11, BX
	JMP  gradWindow

gradDone:
	VZEROUPPER
	RET

// func mulAddAVX2(dst, a, b []float32)
// dst[i] += a[i] * b[i] for i < len(dst); the caller guarantees len(a), len(b) >= len(dst).
TEXT ·mulAddAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
ma32:
	CMPQ CX, $32
	JL   ma8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS (DI), Y4
	VMOVUPS 32(DI), Y5
	VMOVUPS 64(DI), Y6
	VMOVUPS 96(DI), Y7
	VFMADD231PS (DX), Y0, Y4
	VFMADD231PS 32(DX), Y1, Y5
	VFMADD231PS 64(DX), Y2, Y6
	VFMADD231PS 96(DX), Y3, Y7
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	VMOVUPS Y6, 64(DI)
	VMOVUPS Y7, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	ADDQ $128, DX
	SUBQ $32, CX
	JMP  ma32
ma8:
	CMPQ CX, $8
	JL   ma1
	VMOVUPS (SI), Y0
	VMOVUPS (DI), Y4
	VFMADD231PS (DX), Y0, Y4
	VMOVUPS Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  ma8
ma1:
	TESTQ CX, CX
	JZ    maDone
	VMOVSS (SI), X0
	VMOVSS (DI), X4
	VFMADD231SS (DX), X0, X4
	VMOVSS X4, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $4, DX
	DECQ CX
	JMP  ma1
maDone:
	VZEROUPPER
	RET

// func clampAVX2(x []float32, lo, hi float32)
// x[i] = min(max(x[i], lo), hi).
TEXT ·clampAVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), DI
	MOVQ x_len+8(FP), CX
	VBROADCASTSS lo+24(FP), Y14
	VBROADCASTSS hi+28(FP), Y15
cl8:
	CMPQ CX, $8
	JL   cl1
	VMOVUPS (DI), Y0
	VMAXPS Y14, Y0, Y0
	VMINPS Y15, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  cl8
cl1:
	TESTQ CX, CX
	JZ    clDone
	VMOVSS (DI), X0
	VMAXSS X14, X0, X0
	VMINSS X15, X0, X0
	VMOVSS X0, (DI)
	ADDQ $4, DI
	DECQ CX
	JMP  cl1
clDone:
	VZEROUPPER
	RET
