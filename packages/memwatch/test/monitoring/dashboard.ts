// The source of monitoring/grafana-dashboard.json, typed against Grafana's own dashboard schema
// (@grafana/schema): `tsc` rejects a field the schema does not have or a value of the wrong type.
// The test compares the committed JSON with this object; regenerate the file with
// `UPDATE_DASHBOARD=1 npx vitest run --project memwatch monitoring`.
import {
  type Dashboard,
  DashboardCursorSync,
  type Panel,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/schema';

/** The dashboard's schema version: the one @grafana/schema's `defaultDashboard` carries. */
export const SCHEMA_VERSION = 42;

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal.
const datasource = { type: 'prometheus', uid: '${datasource}' };
const scope = 'job=~"$job", instance=~"$instance"';

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: 'timeseries' | 'bargauge' | 'table';
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string; readonly instant?: boolean }[];
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly thresholds?: readonly number[];
  readonly options?: Record<string, unknown>;
}

function panel(id: number, spec: PanelSpec): Panel {
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource,
    gridPos: spec.gridPos,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.thresholds === undefined
          ? {}
          : {
              thresholds: {
                mode: ThresholdsMode.Absolute,
                steps: [
                  { color: 'green', value: null },
                  { color: 'orange', value: spec.thresholds[0]! },
                  { color: 'red', value: spec.thresholds[1]! },
                ],
              },
            }),
      },
      overrides: [],
    },
    options: spec.options ?? { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
    targets: spec.targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource,
      expr: t.expr,
      legendFormat: t.legend,
      ...(t.instant === true ? { instant: true, range: false, format: 'table' } : {}),
    })),
  };
}

export const dashboard = {
  title: 'leakproof — memory across services',
  uid: 'leakproof-memory',
  description:
    'Heap after GC, robust growth and pressure per service, from @leakproof/memwatch/prometheus (default prefix leakproof_).',
  tags: ['leakproof', 'nodejs', 'memory'],
  editable: true,
  graphTooltip: DashboardCursorSync.Crosshair,
  schemaVersion: SCHEMA_VERSION,
  version: 1,
  refresh: '30s',
  time: { from: 'now-6h', to: 'now' },
  timepicker: {},
  timezone: 'browser',
  links: [],
  annotations: { list: [] },
  templating: {
    list: [
      { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
      {
        name: 'job',
        label: 'Job',
        type: 'query',
        datasource,
        query: 'label_values(leakproof_memory_pressure_ratio, job)',
        refresh: VariableRefresh.onTimeRangeChanged,
        sort: VariableSort.alphabeticalAsc,
        includeAll: true,
        multi: true,
        allValue: '.*',
      },
      {
        name: 'instance',
        label: 'Instance',
        type: 'query',
        datasource,
        query: 'label_values(leakproof_memory_pressure_ratio{job=~"$job"}, instance)',
        refresh: VariableRefresh.onTimeRangeChanged,
        sort: VariableSort.alphabeticalAsc,
        includeAll: true,
        multi: true,
        allValue: '.*',
      },
    ],
  },
  panels: [
    panel(1, {
      title: 'Heap after GC per service',
      description:
        'Heap used right after the last major collection: the floor a leak raises, free of the garbage sawtooth.',
      type: 'timeseries',
      unit: 'bytes',
      targets: [{ expr: `leakproof_heap_after_gc_bytes{${scope}}`, legend: '{{job}} {{instance}}' }],
      gridPos: { x: 0, y: 0, w: 12, h: 9 },
    }),
    panel(2, {
      title: 'Heap growth (robust slope)',
      description:
        "watchMemory's Theil–Sen slope of the heap after major collections; the leak alert also needs its trend test to agree.",
      type: 'timeseries',
      unit: 'Bps',
      targets: [
        {
          expr: `leakproof_heap_growth_bytes_per_second{${scope}}`,
          legend: '{{job}} {{instance}} {{name}}',
        },
      ],
      gridPos: { x: 12, y: 0, w: 12, h: 9 },
      thresholds: [1024, 10_240],
    }),
    panel(3, {
      title: 'Memory pressure',
      description: 'The larger of heap used over the heap limit and RSS over the container limit.',
      type: 'timeseries',
      unit: 'percentunit',
      targets: [{ expr: `leakproof_memory_pressure_ratio{${scope}}`, legend: '{{job}} {{instance}}' }],
      gridPos: { x: 0, y: 9, w: 12, h: 8 },
      thresholds: [0.85, 0.95],
    }),
    panel(4, {
      title: 'Time to the heap limit (rising services)',
      description: 'Headroom over the robust growth rate, for services whose heap after GC rises.',
      type: 'table',
      unit: 's',
      targets: [
        {
          expr: `sort(leakproof:heap_seconds_to_limit{${scope}} and on (job, instance, name) leakproof_heap_trend == 1)`,
          legend: '{{job}} {{instance}}',
          instant: true,
        },
      ],
      gridPos: { x: 12, y: 9, w: 12, h: 8 },
      thresholds: [86_400, 3_600],
      options: { showHeader: true },
    }),
    panel(5, {
      title: 'Top caches by bytes',
      description: 'The ten biggest leakproof caches across the selected services.',
      type: 'bargauge',
      unit: 'bytes',
      targets: [
        {
          expr: `topk(10, leakproof_cache_bytes{${scope}})`,
          legend: '{{instance}} {{name}}',
          instant: true,
        },
      ],
      gridPos: { x: 0, y: 17, w: 8, h: 9 },
      options: { displayMode: 'gradient', orientation: 'horizontal', showUnfilled: true },
    }),
    panel(6, {
      title: 'Pools: borrowed and waiting',
      description: 'Resources lent out and acquires waiting, per pool.',
      type: 'timeseries',
      unit: 'short',
      targets: [
        { expr: `leakproof_pool_borrowed{${scope}}`, legend: 'borrowed {{instance}} {{name}}' },
        { expr: `leakproof_pool_pending{${scope}}`, legend: 'waiting {{instance}} {{name}}' },
      ],
      gridPos: { x: 8, y: 17, w: 8, h: 9 },
    }),
    panel(7, {
      title: 'Listeners per emitter',
      description: 'Listeners attached to leakproof emitters: a count that only rises is a listener leak.',
      type: 'timeseries',
      unit: 'short',
      targets: [{ expr: `leakproof_emitter_listeners{${scope}}`, legend: '{{instance}} {{name}}' }],
      gridPos: { x: 16, y: 17, w: 8, h: 9 },
    }),
  ],
} satisfies Dashboard & { uid: string; title: string; tags: string[] };
