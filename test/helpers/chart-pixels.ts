/**
 * Runs in a page (a string: the tests are not typed for the DOM). For the chart inside `#id`, where the
 * pixels of `color` lie: the median of their rows, as a fraction of the plot area's height measured
 * from its bottom (0: on the x axis, 1: at the top), and how many there are.
 */
export const LINE_HEIGHT_IN_PLOT = `([id, color]) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  const over = document.querySelector('#' + id + ' .u-over');
  if (!canvas || !over) return null;
  const scale = canvas.width / canvas.getBoundingClientRect().width;
  const top = (over.getBoundingClientRect().top - canvas.getBoundingClientRect().top) * scale;
  const height = over.getBoundingClientRect().height * scale;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const rows = [];
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] < 200) continue;
    if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) {
      rows.push(Math.floor(i / 4 / canvas.width));
    }
  }
  if (rows.length === 0) return { pixels: 0, height: -1 };
  rows.sort((a, b) => a - b);
  const median = rows[Math.floor(rows.length / 2)];
  return { pixels: rows.length, height: (top + height - median) / height };
}`;

export interface LineHeight {
  pixels: number;
  /** 0: on the x axis, 1: at the top of the plot. */
  height: number;
}
