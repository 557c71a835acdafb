// One colour per arm, the same on every chart and table (readable on white, distinct in greyscale order).
const palette = ['#2f6fde', '#d9480f', '#2b8a3e', '#7048e8', '#c2255c', '#0b7285', '#8f6a00', '#495057'];

export const armColor = (index: number) => palette[((index % palette.length) + palette.length) % palette.length]!;
