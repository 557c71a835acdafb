import { describe, expect, it } from 'vitest';
import { cellColors, contrastRatio, mixWithWhite } from './contrast';

describe('contrastRatio', () => {
  it('matches the WCAG figures for known pairs', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([255, 255, 255], [255, 255, 255])).toBe(1);
    // #767676 on white is the classic 4.54:1 grey.
    expect(contrastRatio([0x76, 0x76, 0x76], [255, 255, 255])).toBeCloseTo(4.54, 2);
  });
});

describe('cellColors', () => {
  it('keeps every confusion-matrix number at WCAG AA (4.5:1) or better, on and off the diagonal', () => {
    for (const diagonal of [true, false]) {
      for (let i = 0; i <= 1000; i++) {
        const c = cellColors(i / 1000, diagonal);
        const ratio = contrastRatio(c.background, c.text);
        expect(ratio, `share ${i / 1000}, diagonal ${diagonal}`).toBeGreaterThanOrEqual(4.5);
        expect(ratio).toBeCloseTo(c.ratio, 10);
      }
    }
  });

  it('fills in proportion to the share: white when empty, the full hue when the whole row', () => {
    expect(mixWithWhite('#1d4fa8', 0)).toEqual([255, 255, 255]);
    expect(mixWithWhite('#1d4fa8', 1)).toEqual([0x1d, 0x4f, 0xa8]);
    expect(cellColors(0.97, true).text).toEqual([255, 255, 255]);
    expect(cellColors(0.02, true).text).toEqual([0, 0, 0]);
  });
});
