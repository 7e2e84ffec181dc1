import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a line chart. */
export interface Point {
  series: string;
  x: number;
  y: number;
}

export interface LineChart {
  /** File name without extension: `<name>.svg`, `<name>.png`, `<name>.vl.json`. */
  name: string;
  title: string;
  x: { title: string; log?: boolean };
  y: { title: string; log?: boolean };
  points: readonly Point[];
  /** Draw points as well as lines (few points per series). */
  marks?: boolean;
}

/** A vega-lite line chart with one colour per series. */
export function lineSpec(chart: LineChart): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: chart.title,
    width: 560,
    height: 300,
    background: 'white',
    data: { values: chart.points.map((point) => ({ ...point })) },
    mark: { type: 'line', point: chart.marks === true, interpolate: 'linear' },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: chart.x.title,
        scale: chart.x.log ? { type: 'log' } : { zero: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: chart.y.title,
        scale: chart.y.log ? { type: 'log' } : {},
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', columns: 2, labelLimit: 420 },
      },
    },
  };
}

/**
 * Renders a vega-lite spec to SVG (vega, headless) and PNG (resvg, system fonts), and keeps the spec.
 *
 *   await renderChart(lineSpec(chart), 'report', chart.name); // report/<name>.svg, .png, .vl.json
 */
export async function renderChart(spec: TopLevelSpec, dir: string, name: string): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  writeFileSync(join(dir, `${name}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.svg`), svg);
  writeFileSync(join(dir, `${name}.png`), svgToPng(svg));
}

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
