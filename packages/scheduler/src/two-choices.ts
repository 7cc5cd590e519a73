/**
 * The power of two random choices: the less loaded of two schedulers picked at random (other than
 * `excluding`). Nearly as even as asking every scheduler, at the cost of two reads.
 */
export function twoChoices(count: number, excluding: number, load: (index: number) => number): number {
  const pick = () => {
    let i: number;
    do i = Math.floor(Math.random() * count);
    while (i === excluding && count > 1);
    return i;
  };
  const a = pick();
  const b = pick();
  return load(a) <= load(b) ? a : b;
}
