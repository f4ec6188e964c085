/** "1 product", "3 products": a number with its noun. */
export function count(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${Number(n) === 1 ? one : many}`;
}
