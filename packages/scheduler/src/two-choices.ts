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

/** How far ahead of the others a scheduler may be and still take a task spawned on it: a few tasks, or 1/16 of its load. */
export const nearSlack = (load: number): number => 16 + (load >>> 4);

/**
 * A scheduler for a task spawned on scheduler `here`: `here` itself, unless it carries more than
 * `nearSlack` tasks beyond the less loaded of two random choices, which then gets it. A task that
 * spawns many (a tree of processes) mostly spawns them next to itself, where starting one and talking
 * to it are cheapest, while the load stays within a sixteenth of even.
 */
export function nearChoice(here: number, count: number, load: (index: number) => number): number {
  const other = twoChoices(count, -1, load);
  if (other === here) return here;
  const mine = load(here);
  return mine - load(other) <= nearSlack(mine) ? here : other;
}
