/**
 * Text widths in DejaVu Sans, the font the charts are drawn in (PNG: resvg is given it; HTML: the first family named).
 * Vega without a canvas estimates every character at 0.8 em, which overstates DejaVu Sans text by about a third: axes
 * and legends were laid out for labels longer than drawn (an empty band under rotated labels) and `labelLimit` cut
 * labels that would have fitted (`makes…`). `render.ts` gives vega these widths instead, as vl-convert does with its
 * own fonts.
 */

/** Advance widths in thousandths of an em, from DejaVuSans.ttf 2.37 (hmtx, 2,048 units per em), ASCII and a few symbols. */
const ADVANCE: Readonly<Record<string, number>> = {
  "0": 636, "1": 636, "2": 636, "3": 636, "4": 636, "5": 636, "6": 636, "7": 636, "8": 636, "9": 636, " ": 318,
  "!": 401, "\"": 460, "#": 838, "$": 636, "%": 950, "&": 780, "'": 275, "(": 390, ")": 390, "*": 500, "+": 838,
  ",": 318, "-": 361, ".": 318, "/": 337, ":": 337, ";": 337, "<": 838, "=": 838, ">": 838, "?": 531, "@": 1000,
  "A": 684, "B": 686, "C": 698, "D": 770, "E": 632, "F": 575, "G": 775, "H": 752, "I": 295, "J": 295, "K": 656,
  "L": 557, "M": 863, "N": 748, "O": 787, "P": 603, "Q": 787, "R": 695, "S": 635, "T": 611, "U": 732, "V": 684,
  "W": 989, "X": 685, "Y": 611, "Z": 685, "[": 390, "\\": 337, "]": 390, "^": 838, "_": 500, "`": 500, "a": 613,
  "b": 635, "c": 550, "d": 635, "e": 615, "f": 352, "g": 635, "h": 634, "i": 278, "j": 278, "k": 579, "l": 278,
  "m": 974, "n": 634, "o": 612, "p": 635, "q": 635, "r": 411, "s": 521, "t": 392, "u": 634, "v": 592, "w": 818,
  "x": 592, "y": 592, "z": 525, "{": 636, "|": 337, "}": 636, "~": 838, "µ": 636, "·": 318, "–": 500, "—": 1000,
  "±": 838, "Δ": 684, "×": 838, "…": 1000, "≤": 838, "≥": 838, "−": 838, "→": 838, "≈": 838, "€": 636, "°": 500,
  "²": 401, "³": 401, "é": 615,
};

/** Characters not in the table count as a digit (0.636 em), about the average of DejaVu Sans. */
const OTHER = 636;

/** The width of `text` set in DejaVu Sans at `fontSize` (same unit as the size: pt in, pt out). */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += ADVANCE[ch] ?? OTHER;
  return (em / 1000) * fontSize;
}
