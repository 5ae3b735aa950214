// The local Prometheus configuration, as data: the services' job is the cluster's (grafana/
// prometheus-config.ts), its targets the running replicas. That Prometheus loads it and scrapes with it
// is shown on the real thing in grafana/prometheus.integration.test.ts.
import t from 'tap';
import { prometheusConfig, SERVICES_JOB } from '../grafana/prometheus-config.js';
import { fileSdGroups, localPrometheusConfig, stackServiceTargets } from './prometheus.js';

type Job = Record<string, unknown> & { job_name: string };

t.test("the services' job is the cluster's: name, metrics path, honor_labels", async (t) => {
  const cluster = (prometheusConfig().scrape_configs as Job[]).find((j) => j.job_name === SERVICES_JOB.job_name)!;
  const local = (localPrometheusConfig({ scrapeIntervalSeconds: 1, servicesFile: '/x/services.json', extra: [] }).scrape_configs as Job[])[0]!;
  for (const key of ['job_name', 'metrics_path', 'honor_labels']) t.equal(local[key], cluster[key], key);
  t.same(local.file_sd_configs, [{ files: ['/x/services.json'] }]);
});

t.test('extra targets are their own jobs at their own paths; a job named twice is an error', async (t) => {
  const config = localPrometheusConfig({ scrapeIntervalSeconds: 1, servicesFile: 'f', extra: [{ job: 'envoy', url: 'http://127.0.0.1:9901/stats/prometheus?usedonly' }] });
  t.match(config.global, { scrape_interval: '1s', scrape_timeout: '1s' });
  t.match((config.scrape_configs as Job[])[1], { job_name: 'envoy', metrics_path: '/stats/prometheus', params: { usedonly: [''] }, static_configs: [{ targets: ['127.0.0.1:9901'] }] });
  t.throws(() => localPrometheusConfig({ scrapeIntervalSeconds: 1, servicesFile: 'f', extra: [{ job: SERVICES_JOB.job_name, url: 'http://127.0.0.1:1/metrics' }] }), /named twice/);
});

t.test("the services' targets: one group per running replica, labelled app and pod as the cluster's relabelling does", async (t) => {
  const stack = {
    resourceTargets: () => [
      { name: 'redis', pid: 1 },
      { name: 'grpc-server-1', pid: 2, metricsUrl: 'http://127.0.0.1:2001/metrics' },
      { name: 'grpc-client-2', pid: 3, metricsUrl: 'http://127.0.0.1:2002/metrics' },
    ],
  };
  const targets = stackServiceTargets(stack);
  t.same(targets, [
    { app: 'grpc-server', pod: 'grpc-server-1', url: 'http://127.0.0.1:2001/metrics' },
    { app: 'grpc-client', pod: 'grpc-client-2', url: 'http://127.0.0.1:2002/metrics' },
  ]);
  t.same(fileSdGroups(targets), [
    { targets: ['127.0.0.1:2001'], labels: { app: 'grpc-server', pod: 'grpc-server-1' } },
    { targets: ['127.0.0.1:2002'], labels: { app: 'grpc-client', pod: 'grpc-client-2' } },
  ]);
  t.throws(() => fileSdGroups([{ app: 'a', pod: 'a-1', url: 'http://127.0.0.1:1/other' }]), /not at \/metrics/);
});
