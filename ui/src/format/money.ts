/**
 * Shows integer minor units as a price by moving the decimal point in the digits: string work
 * on an integer, no floating point anywhere. Parsing typed prices is the core's job
 * (`parse_price`); this only displays what the core stored.
 */
export function formatMinor(minor: number, minorUnits: number, currency: string): string {
  const negative = minor < 0;
  let digits = String(Math.abs(Math.trunc(minor)));
  let text = digits;
  if (minorUnits > 0) {
    digits = digits.padStart(minorUnits + 1, '0');
    const whole = digits.slice(0, digits.length - minorUnits);
    const fraction = digits.slice(digits.length - minorUnits);
    text = `${groupThousands(whole)}.${fraction}`;
  } else {
    text = groupThousands(digits);
  }
  return `${negative ? '−' : ''}${text} ${currency}`;
}

function groupThousands(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
