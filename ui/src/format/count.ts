/** "1 product", "3 products", "12,500 products": a number in the seller's locale with its noun. */
export function count(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${Number(n) === 1 ? one : many}`;
}
