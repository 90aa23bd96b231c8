// A seedable PRNG (mulberry32) so a simulator run, and its tests, can be repeated exactly.
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pickOne = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)]!;
export const between = (min: number, max: number, random: Random): number => min + Math.floor(random() * (max - min + 1));
