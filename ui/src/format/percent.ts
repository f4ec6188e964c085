/**
 * "12.5" (percent) → 1250 hundredths of a percent, by string work on the digits: the bulk
 * price change is exact, never a float.
 */
export function percentHundredths(text: string): number | null {
  const match = /^\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return Number(match[1]) * 100 + Number(fraction);
}
