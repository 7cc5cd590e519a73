/**
 * The power of two random choices: the less loaded of two different schedulers picked at random
 * (other than `excluding`, a scheduler index or -1). Nearly as even as asking every scheduler, at the
 * cost of two reads.
 */
export function twoChoices(count: number, excluding: number, load: (index: number) => number): number {
  // Draw from the schedulers that may be chosen, then map past `excluding`.
  const choices = excluding >= 0 && count > 1 ? count - 1 : count;
  const at = (draw: number) => (excluding >= 0 && count > 1 && draw >= excluding ? draw + 1 : draw);
  const first = Math.floor(Math.random() * choices);
  if (choices === 1) return at(first);
  // The second from the others: the same scheduler twice would be no choice at all.
  let second = Math.floor(Math.random() * (choices - 1));
  if (second >= first) second++;
  const [a, b] = [at(first), at(second)];
  return load(a) <= load(b) ? a : b;
}
