//go:build amd64 && !purego

#include "textflag.h"

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

// func transpose8AVX2(src *float32, ld int, blocks int, dst *float32, ldd int, srcStep int, dstStep int)
// Transposes blocks 8x8 blocks: block b's 8 rows (ld floats apart) start at src +
// b*srcStep, and its columns become the 8 rows (ldd floats apart) that start at dst +
// b*dstStep. Each block is 8 loads, 24 shuffles (pairs, then quads, then 128-bit
// halves) and 8 stores.
TEXT ·transpose8AVX2(SB), NOSPLIT, $0-56
	MOVQ src+0(FP), SI
	MOVQ ld+8(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	MOVQ blocks+16(FP), CX
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R10
	SHLQ $2, R10
	LEAQ (R10)(R10*2), R11
	MOVQ srcStep+40(FP), R14
	SHLQ $2, R14
	MOVQ dstStep+48(FP), R15
	SHLQ $2, R15
	TESTQ CX, CX
	JZ   tdone
tloop:
	LEAQ (SI)(R8*4), R12
	LEAQ (DI)(R10*4), R13
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R12), Y4
	VMOVUPS (R12)(R8*1), Y5
	VMOVUPS (R12)(R8*2), Y6
	VMOVUPS (R12)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R10*1)
	VMOVUPS Y10, (DI)(R10*2)
	VMOVUPS Y11, (DI)(R11*1)
	VMOVUPS Y12, (R13)
	VMOVUPS Y13, (R13)(R10*1)
	VMOVUPS Y14, (R13)(R10*2)
	VMOVUPS Y15, (R13)(R11*1)
	ADDQ R14, SI
	ADDQ R15, DI
	DECQ CX
	JNZ  tloop
tdone:
	VZEROUPPER
	RET

// func copyRunsAVX2(dst *float32, dstStride int, src *float32, srcStride int, n int, count int)
// Copies count runs of n floats (n a positive multiple of 8): run r from src +
// r*srcStride to dst + r*dstStride. im2col's rows are such runs.
TEXT ·copyRunsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ srcStride+24(FP), R9
	SHLQ $2, R9
	MOVQ n+32(FP), R10
	SHRQ $3, R10
	MOVQ count+40(FP), CX
	TESTQ CX, CX
	JZ   cdone
crun:
	MOVQ DI, R11
	MOVQ SI, R12
	MOVQ R10, DX
	CMPQ DX, $2
	JL   cone
cpair:
	VMOVUPS (R12), Y0
	VMOVUPS 32(R12), Y1
	VMOVUPS Y0, (R11)
	VMOVUPS Y1, 32(R11)
	ADDQ $64, R12
	ADDQ $64, R11
	SUBQ $2, DX
	CMPQ DX, $2
	JGE  cpair
cone:
	TESTQ DX, DX
	JZ   cnext
	VMOVUPS (R12), Y0
	VMOVUPS Y0, (R11)
cnext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ CX
	JNZ  crun
cdone:
	VZEROUPPER
	RET

// func addRunsAVX2(dst *float32, dstStride int, src *float32, srcStride int, n int, count int)
// Adds count runs of n floats (n a positive multiple of 8), run r from src +
// r*srcStride onto dst + r*dstStride, one run after the other: runs of dst may
// overlap (col2im's do), and each then adds onto what the one before wrote.
TEXT ·addRunsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ srcStride+24(FP), R9
	SHLQ $2, R9
	MOVQ n+32(FP), R10
	SHRQ $3, R10
	MOVQ count+40(FP), CX
	TESTQ CX, CX
	JZ   adone
arun:
	MOVQ DI, R11
	MOVQ SI, R12
	MOVQ R10, DX
aone:
	VMOVUPS (R12), Y0
	VADDPS  (R11), Y0, Y0
	VMOVUPS Y0, (R11)
	ADDQ $32, R12
	ADDQ $32, R11
	DECQ DX
	JNZ  aone
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ CX
	JNZ  arun
adone:
	VZEROUPPER
	RET

// func addBiasAVX2(out []float32, bias []float32, relu int)
// For each row of len(bias) floats (a multiple of 8) in out: row += bias, then, when
// relu is not 0, v = 0 > v ? 0 : v, which like the Go version keeps -0 and NaN.
TEXT ·addBiasAVX2(SB), NOSPLIT, $0-56
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ bias_base+24(FP), SI
	MOVQ bias_len+32(FP), R8
	MOVQ relu+48(FP), AX
	VXORPS Y15, Y15, Y15
	TESTQ R8, R8
	JZ   bdone
brow:
	CMPQ CX, R8
	JL   bdone
	MOVQ R8, DX
	MOVQ SI, R9
bcol:
	VMOVUPS (DI), Y0
	VADDPS  (R9), Y0, Y0
	TESTQ AX, AX
	JZ   bstore
	VMAXPS Y0, Y15, Y0
bstore:
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, R9
	SUBQ $8, DX
	JNZ  bcol
	SUBQ R8, CX
	JMP  brow
bdone:
	VZEROUPPER
	RET

// func passInsideAVX2(dst, y, g []float32, lo, hi float32)
// dst[i] = g[i] where lo < y[i] < hi, else 0: two compares make a mask that keeps g.
TEXT ·passInsideAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ y_base+24(FP), SI
	MOVQ g_base+48(FP), DX
	VBROADCASTSS lo+72(FP), Y14
	VBROADCASTSS hi+76(FP), Y15
pi8:
	CMPQ CX, $8
	JL   pi1
	VMOVUPS (SI), Y0
	VCMPPS $0x1e, Y14, Y0, Y1
	VCMPPS $0x11, Y15, Y0, Y2
	VANDPS Y1, Y2, Y1
	VANDPS (DX), Y1, Y3
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  pi8
pi1:
	TESTQ CX, CX
	JZ    piDone
	VMOVSS (SI), X0
	VCMPSS $0x1e, X14, X0, X1
	VCMPSS $0x11, X15, X0, X2
	VANDPS X1, X2, X1
	VMOVSS (DX), X3
	VANDPS X3, X1, X3
	VMOVSS X3, (DI)
	ADDQ $4, SI
	ADDQ $4, DX
	ADDQ $4, DI
	DECQ CX
	JMP  pi1
piDone:
	VZEROUPPER
	RET
