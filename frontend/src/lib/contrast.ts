// Colours of the confusion matrix cells and the WCAG 2 contrast of their numbers.

type RGB = [number, number, number];

const hex = (h: string): RGB => {
  const v = h.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(v.slice(i, i + 2), 16)) as RGB;
};

/** sRGB channel -> linear light, as WCAG 2 defines relative luminance. */
const linear = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

export const luminance = ([r, g, b]: RGB) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);

/** WCAG 2 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: RGB, b: RGB): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** share of `to` over white, mixed in sRGB as CSS color-mix(in srgb) does. */
export function mixWithWhite(to: string, share: number): RGB {
  const t = Math.min(1, Math.max(0, share));
  return hex(to).map((c) => Math.round(255 + (c - 255) * t)) as RGB;
}

const BLACK: RGB = [0, 0, 0];
const WHITE: RGB = [255, 255, 255];
/** Right answers in blue, mistakes in magenta: both dark enough for white text when full. */
export const diagonalHue = '#1d4fa8';
export const mistakeHue = '#b0184f';

export interface CellColors {
  background: RGB;
  text: RGB;
  ratio: number;
}

/**
 * A cell's fill for the share of its row it holds, with black or white text, whichever
 * contrasts more. Black and white between them keep every fill at 4.58:1 or better, so
 * every number passes WCAG AA (4.5:1) at any share.
 */
export function cellColors(share: number, diagonal: boolean): CellColors {
  const background = mixWithWhite(diagonal ? diagonalHue : mistakeHue, share);
  const onBlack = contrastRatio(background, BLACK);
  const onWhite = contrastRatio(background, WHITE);
  return onWhite > onBlack ? { background, text: WHITE, ratio: onWhite } : { background, text: BLACK, ratio: onBlack };
}

export const css = ([r, g, b]: RGB) => `rgb(${r}, ${g}, ${b})`;
