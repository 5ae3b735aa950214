import t from 'tap';
import { parseWrk } from './wrk.js';

// What wrk 4.1 prints with --latency (trimmed): the bench reads req/s, percentiles and errors from it.
const SAMPLE = `Running 8s test @ http://127.0.0.1:8081/course
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    52.10ms   30.21ms 349.50ms   80.00%
  Latency Distribution
     50%   46.17ms
     75%   60.00ms
     90%   80.00ms
     99%  349.50ms
  7832 requests in 8.00s, 2.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:    979.00
Transfer/sec:    268.00KB
`;

t.test('parseWrk reads throughput, percentiles in ms, errors and non-2xx answers', async (t) => {
  t.same(parseWrk(SAMPLE), { rps: 979, p50Ms: 46.17, p99Ms: 349.5, requests: 7832, non2xx: 3, socketErrors: 3 });
  const seconds = parseWrk(SAMPLE.replace(/99% +349\.50ms/, '99%    1.12s').replace(/50% +46\.17ms/, '50%   900.00us'));
  t.equal(seconds.p99Ms, 1120);
  t.equal(seconds.p50Ms, 0.9);
  t.equal(parseWrk(SAMPLE.replace(/ {2}Non-2xx.*\n/, '').replace(/ {2}Socket errors.*\n/, '')).non2xx, 0);
});
